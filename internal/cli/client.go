package cli

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

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
	fl.BoolVarP(&f.verbose, "verbose", "v", false, "log each retry in full (the whole error, as a log record) on stderr, not as one line")
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

// client builds an SDK client for the API at url, with the CLI's user
// agent. Each retry is announced on stderr before its wait: one line, or
// with verbose a log record holding the whole error.
func (a *app) client(token, url string, verbose bool) (*losant.Client, error) {
	opts := []losant.Option{losant.WithToken(token), losant.WithBaseURL(url), losant.WithUserAgent(userAgent)}
	if verbose {
		opts = append(opts, losant.WithLogger(slog.New(slog.NewTextHandler(a.stderr, nil))))
	} else {
		opts = append(opts, losant.WithRetryNotify(func(n losant.RetryNotice) { fmt.Fprintln(a.stderr, retryLine(n)) }))
	}
	return losant.NewClient(append(opts, a.clientOptions...)...)
}

// retryLine says what is retried and why, in one line:
//
//	losant: GET /applications/…/jobLogs/…: 503 Service Unavailable; retrying in 1.2s (attempt 2 of 4)
func retryLine(n losant.RetryNotice) string {
	why := n.Reason
	var apiErr *losant.APIError
	if errors.As(n.Err, &apiErr) {
		why = strconv.Itoa(apiErr.StatusCode) + " " + http.StatusText(apiErr.StatusCode)
	}
	return fmt.Sprintf("losant: %s %s: %s; retrying in %v (attempt %d of %d)",
		n.Method, n.Path, why, n.Wait.Round(10*time.Millisecond), n.Attempt+1, n.MaxAttempts)
}
