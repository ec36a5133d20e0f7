package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/spf13/cobra"

	losant "github.com/losant-go/losant-go"
	"github.com/losant-go/losant-go/api"
	"github.com/losant-go/losant-go/internal/ops"
)

// defaultListen is where serve listens unless told otherwise: loopback
// only, so the local API is not offered to the network by accident.
const defaultListen = "127.0.0.1:8080"

func (a *app) serveCmd() *cobra.Command {
	var (
		listen, data string
		tokens       []string
		simulate     time.Duration
		outcome      losant.ApplicationJobLogStatus
		jobDuration  time.Duration
		jobOutcome   losant.ApplicationJobLogStatus
	)
	cmd := &cobra.Command{
		Use:   "serve [--listen ADDR] [--data FILE] [--token TOKEN[=SCOPE,SCOPE...]]...",
		Short: "Run a local Losant-compatible API for tests and demos",
		Long: `Runs a local, in-memory API that answers the operations of openapi.yaml the
way api.losant.com does:

` + servedOperations() + `

with the applications and job logs of --data or the spec's examples. --data
holds a JSON array of job logs, or an object {"applications": [...],
"jobLogs": [...]}; an application with job logs exists whether or not it is
listed.

A job started through the API (an export, say) runs from queued through
inProgress to --job-outcome over --job-duration, in the background, recorded
as a job log. A completed export's zip downloads from a pre-signed URL on this
server that needs no token and expires.

Each --token adds a bearer token the server accepts, with the scopes after "="
(one an operation accepts, such as all.Application.read); a token without "="
has full access, and NAME=none none: every operation answers it 403. With no --token at all, any bearer token is accepted with
full access.

It listens on loopback unless --listen says otherwise; port 0 picks a free
port. Once it accepts connections it prints "listening on http://HOST:PORT" on
stderr. SIGINT or SIGTERM stops it cleanly.

--simulate D also runs a simulated job for D, from queued through inProgress
to --outcome, and prints a second line on stderr naming it, so that
"losant joblog wait" (or your own code) can watch a live job.`,
		Example: `  losant serve --token dev-token
  losant serve --listen 127.0.0.1:0 --data joblogs.json --token ci=applicationJobLog.get
  LOSANT_API_URL=http://127.0.0.1:8080 LOSANT_API_TOKEN=dev-token losant joblog get --app 575ec8687ae143cd83dc4a97 --job 575ec76c7ae143cd83dc4a96
  losant serve --token dev-token --simulate 1m --outcome errored
  losant serve --data apps.json --job-duration 10s --job-outcome failed`,
		Args: noArgs("--listen, --data or --token"),
	}
	fl := cmd.Flags()
	fl.StringVar(&listen, "listen", defaultListen, "address to listen on, HOST:PORT (port 0 picks a free port)")
	fl.StringVar(&data, "data", "", `JSON file with job logs ([...]) or {"applications": [...], "jobLogs": [...]} to serve (default: the spec's examples)`)
	// StringArray, not StringSlice: the commas belong to the scopes.
	fl.StringArrayVar(&tokens, "token", nil, "accept this bearer token, with the given scopes or full access (repeatable)")
	fl.DurationVar(&simulate, "simulate", 0, "also run a simulated job for this long (0: none)")
	outcomeVar(cmd, &outcome, "how the --simulate job ends")
	fl.DurationVar(&jobDuration, "job-duration", api.DefaultJobDuration, "how long a job started through the API takes, queued to outcome")
	outcomeFlagVar(cmd, &jobOutcome, "job-outcome", "how jobs started through the API end")
	cmd.RunE = runE(func(ctx context.Context, _ []string) error {
		if err := checkListenAddr(listen); err != nil {
			return err
		}
		if simulate < 0 {
			return usagef("invalid --simulate %v: want a positive duration such as 1m, or 0 for none", simulate)
		}
		if jobDuration <= 0 {
			return usagef("invalid --job-duration %v: want a positive duration such as 3s", jobDuration)
		}
		scoped, err := parseTokens(tokens)
		if err != nil {
			return err
		}
		store, err := loadStore(data)
		if err != nil {
			return err
		}
		h, err := api.NewHandler(api.Options{
			Tokens:      scoped,
			Store:       store,
			Logger:      slog.New(slog.NewTextHandler(a.stderr, nil)),
			JobDuration: jobDuration,
			JobOutcome:  jobOutcome,
		})
		if err != nil {
			return usagef("serve: %s", strings.TrimPrefix(err.Error(), "api: "))
		}
		// Deferred first, so it runs after the server has shut down: no
		// request can start a job once the jobs are stopped.
		defer func() {
			if err := h.Close(); err != nil {
				fmt.Fprintln(a.stderr, "losant: serve:", err)
			}
		}()
		srv, err := startServer(ctx, listen, h, a.stderr)
		if err != nil {
			return err
		}
		fmt.Fprintln(a.stderr, "listening on", srv.url)
		if simulate > 0 {
			stop, err := simulateJob(ctx, a.stderr, store, simulate, outcome)
			if err != nil {
				_ = srv.shutdown()
				return err
			}
			defer stop()
		}
		return srv.serveUntil(ctx)
	})
	return cmd
}

// simulateJob starts a simulated job in store's first application (a new
// one if the store is empty), says on w which job it is, and returns a
// function that stops it and waits until it has.
func simulateJob(ctx context.Context, w io.Writer, store *api.Store, d time.Duration, outcome losant.ApplicationJobLogStatus) (func(), error) {
	var opts api.SimulateOptions
	if logs := store.List(); len(logs) > 0 && logs[0].ApplicationID != nil {
		opts.ApplicationID = *logs[0].ApplicationID
	}
	opts.Duration, opts.Outcome = d, outcome
	simCtx, cancel := context.WithCancel(ctx)
	sim, err := store.Simulate(simCtx, opts)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("serve: starting the simulated job: %w", err)
	}
	fmt.Fprintf(w, "simulating job log %s in application %s for %v (ends %s): losant joblog wait --app %s --job %s\n",
		sim.JobID, sim.ApplicationID, d, outcome, sim.ApplicationID, sim.JobID)
	return func() { cancel(); <-sim.Done() }, nil
}

// loadStore reads the applications and job logs of --data, or the spec's examples when it
// is empty. A bad file is a usage error naming the file, the entry and the
// problem.
func loadStore(path string) (*api.Store, error) {
	if path == "" {
		store, err := api.ExampleStore()
		if err != nil {
			return nil, fmt.Errorf("serve: loading the example job logs: %w", err)
		}
		return store, nil
	}
	store, err := api.LoadFile(path)
	if err != nil {
		return nil, usagef("serve: --data %s", strings.TrimPrefix(err.Error(), "api: "))
	}
	return store, nil
}

// noScope, as in --token NAME=none, makes a token with no scope at all.
const noScope = "none"

// parseTokens turns --token values, TOKEN or TOKEN=SCOPE,SCOPE..., into
// api.Options.Tokens. A token without scopes gets full access, one with
// "=none" no access; a scope no operation accepts is refused. Messages
// never repeat a token.
func parseTokens(values []string) (map[string][]string, error) {
	if len(values) == 0 {
		return nil, nil
	}
	tokens := make(map[string][]string, len(values))
	for i, v := range values {
		tok, scopeList, hasScopes := strings.Cut(v, "=")
		if tok == "" || strings.ContainsFunc(tok, isSpaceOrControl) {
			return nil, usagef("serve: --token #%d: the token is empty or holds a space or control character", i+1)
		}
		if _, dup := tokens[tok]; dup {
			return nil, usagef("serve: --token #%d: the same token is given twice", i+1)
		}
		var scopes []string
		if hasScopes && scopeList == noScope {
			// A token the server knows and every operation refuses (403),
			// for testing how a client takes a Forbidden answer. The api
			// package reads it as one scope that no operation accepts.
			tokens[tok] = []string{noScope}
			continue
		}
		if hasScopes {
			for s := range strings.SplitSeq(scopeList, ",") {
				s = strings.TrimSpace(s)
				if s == "" {
					return nil, usagef("serve: --token #%d: an empty scope after \"=\"; leave out \"=\" for full access, or list scopes such as %s", i+1, ops.All[0].Scopes[len(ops.All[0].Scopes)-1])
				}
				if err := checkScope(s); err != nil {
					return nil, usagef("serve: --token #%d: %v", i+1, err)
				}
				scopes = append(scopes, s)
			}
		}
		tokens[tok] = scopes
	}
	return tokens, nil
}

func isSpaceOrControl(r rune) bool {
	return r <= ' ' || r == 0x7f
}
