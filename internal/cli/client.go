package cli

import (
	"log/slog"

	"github.com/spf13/cobra"

	losant "github.com/losant-go/losant-go"
)

// userAgent names the CLI ahead of the SDK in the User-Agent header.
var userAgent = "losant-cli/" + version

// clientFlags are the flags that say which API to talk to, and as whom.
type clientFlags struct {
	token, url string
	verbose    bool
}

func (f *clientFlags) register(cmd *cobra.Command) {
	fl := cmd.PersistentFlags()
	fl.StringVar(&f.token, "token", "", "API access token (default $"+EnvToken+"; prefer the variable: flags show in process lists)")
	fl.StringVar(&f.url, "url", "", "API base URL (default $"+EnvURL+", else "+losant.DefaultBaseURL+")")
	fl.BoolVarP(&f.verbose, "verbose", "v", false, "log each retry (reason and wait) on stderr")
}

// newClient builds the SDK client from the flags, falling back on the
// environment. A missing token or a malformed URL is a usage error; the
// token itself never appears in any message.
func (a *app) newClient(f *clientFlags) (*losant.Client, error) {
	token := f.token
	if token == "" {
		token = a.env(EnvToken)
	}
	if token == "" {
		return nil, usagef("no API token: pass --token or set $%s (create one in the Losant application under Security > API Tokens)", EnvToken)
	}
	url := f.url
	if url == "" {
		url = a.env(EnvURL)
	}
	if url == "" {
		url = losant.DefaultBaseURL
	}
	return a.client(token, url, f.verbose)
}

// client builds an SDK client for the API at url, with the CLI's user agent.
func (a *app) client(token, url string, verbose bool) (*losant.Client, error) {
	opts := []losant.Option{losant.WithToken(token), losant.WithBaseURL(url), losant.WithUserAgent(userAgent)}
	if verbose {
		opts = append(opts, losant.WithLogger(slog.New(slog.NewTextHandler(a.stderr, nil))))
	}
	return losant.NewClient(append(opts, a.clientOptions...)...)
}
