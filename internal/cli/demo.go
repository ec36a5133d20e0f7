package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	losant "github.com/losant-go/losant-go"
	"github.com/losant-go/losant-go/api"
)

// Demo settings: a job short enough to watch, polled often enough to see
// its progress move.
const (
	defaultDemoDuration = 4 * time.Second
	demoSteps           = 8
	demoPollInterval    = 200 * time.Millisecond
	demoMaxPollInterval = 400 * time.Millisecond
	// demoListLimit is how many job logs the demo lists.
	demoListLimit = 5
	// demoGrace is how long past --duration the demo waits before it
	// gives up: it must never hang.
	demoGrace = 30 * time.Second
)

func (a *app) demoCmd() *cobra.Command {
	var (
		duration time.Duration
		outcome  = outcomeFlag(losant.ApplicationJobLogStatusCompleted)
		output   = outputTable
	)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Try everything offline: a local API, a job log, and a simulated job to wait for",
		Long: `Runs the local Losant API in-process on a free loopback port, with the
spec's example job logs and an API token made up for the run, then does what
you would do against api.losant.com: gets a job log and prints it, lists the
application's job logs, and waits
for a simulated job, showing its progress, until it ends. Needs no token and
no network. Exits like "joblog wait": 0 when the job completed, 3 when it
ended errored or failed (see --outcome).`,
		Example: `  losant demo
  losant demo --outcome errored -o json`,
		Args: cobra.NoArgs,
	}
	fl := cmd.Flags()
	fl.DurationVar(&duration, "duration", defaultDemoDuration, "how long the simulated job runs")
	fl.Var(&outcome, "outcome", "how the simulated job ends: completed, errored or failed")
	fl.VarP(&output, "output", "o", "output format: table or json")
	cmd.RunE = runE(func(ctx context.Context, _ []string) error {
		if duration <= 0 {
			return usagef("invalid --duration %v: want a positive duration such as 4s", duration)
		}
		return a.demo(ctx, duration, losant.ApplicationJobLogStatus(outcome), output)
	})
	return cmd
}

func (a *app) demo(ctx context.Context, duration time.Duration, outcome losant.ApplicationJobLogStatus, output outputFormat) error {
	token, err := demoToken()
	if err != nil {
		return err
	}
	store, err := api.ExampleStore()
	if err != nil {
		return fmt.Errorf("demo: loading the example job logs: %w", err)
	}
	examples := store.List()
	if len(examples) == 0 || examples[0].ApplicationID == nil || examples[0].ID == nil {
		return fmt.Errorf("demo: openapi.yaml has no example job log with IDs")
	}
	example := examples[0]
	h, err := api.NewHandler(api.Options{
		Tokens: map[string][]string{token: {"applicationJobLog.get", "applicationJobLogs.get"}},
		Store:  store,
		Logger: slog.New(slog.NewTextHandler(a.stderr, nil)),
	})
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	defer func() { _ = h.Close() }() // after the server's shutdown, deferred below
	srv, err := startServer(ctx, "127.0.0.1:0", h, a.stderr)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	defer func() { _ = srv.shutdown() }()

	c, err := a.client(token, srv.url, false)
	if err != nil {
		return err
	}
	// The story goes with the job logs; with -o json it goes to stderr,
	// so that stdout holds only the two JSON objects.
	out := a.stdout
	if output == outputJSON {
		out = a.stderr
	}
	fmt.Fprintf(out, "Local Losant API running in-process at %s\n", srv.url)
	fmt.Fprintf(out, "(example data from openapi.yaml, an API token made up for this run; no network needed)\n\n")

	// 1. Get a job log.
	jf := &jobFlags{app: *example.ApplicationID, job: *example.ID, output: output}
	printCommand(out, "get", jf)
	log, err := c.ApplicationJobLog.Get(ctx, jf.app, jf.job)
	if err != nil {
		return err
	}
	if err := writeJobLog(a.stdout, output, log); err != nil {
		return err
	}

	// 2. List the application's job logs: a short table, with the story
	// (stdout keeps only the job logs' JSON objects with -o json).
	lf := &listFlags{
		app: jf.app, sort: string(losant.ApplicationJobLogSortFieldRunQueuedAt), order: string(losant.SortDirectionDesc),
		pageSize: losant.DefaultPageSize, limit: demoListLimit, output: listTable,
	}
	fmt.Fprintf(out, "\nThe application's job logs, newest first:\n$ losant joblog list --app %s --order %s --limit %d\n", lf.app, lf.order, lf.limit)
	params, err := lf.params()
	if err != nil {
		return err
	}
	if err := listJobLogs(ctx, out, c, lf, params); err != nil {
		return err
	}

	// 3. Wait for a simulated job.
	simCtx, stopSim := context.WithCancel(ctx)
	sim, err := store.Simulate(simCtx, api.SimulateOptions{
		ApplicationID: jf.app, Duration: duration, Steps: demoSteps, Outcome: outcome,
	})
	if err != nil {
		stopSim()
		return fmt.Errorf("demo: starting the simulated job: %w", err)
	}
	defer func() {
		stopSim()
		<-sim.Done()
	}()
	fmt.Fprintf(out, "\nA simulated job is running for %v; waiting for it (progress on stderr):\n", duration)
	wf := &jobFlags{app: sim.ApplicationID, job: sim.JobID, output: output, timeout: duration + demoGrace}
	printCommand(out, "wait", wf)
	waitCtx, cancel, err := wf.withTimeout(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	if err := a.wait(waitCtx, c, wf, losant.WithPollInterval(demoPollInterval), losant.WithMaxPollInterval(demoMaxPollInterval)); err != nil {
		return err
	}
	fmt.Fprintf(out, "\nNext: \"losant serve --token dev-token\" runs this API for your own code and tests;\n"+
		"\"losant joblog wait --app ID --job ID\" does the same against api.losant.com with $%s.\n", EnvToken)
	return nil
}

// printCommand shows the losant command that does what the demo does next.
func printCommand(w io.Writer, sub string, jf *jobFlags) {
	cmd := fmt.Sprintf("$ losant joblog %s --app %s --job %s", sub, jf.app, jf.job)
	if jf.output != outputTable {
		cmd += " -o " + string(jf.output)
	}
	fmt.Fprintln(w, cmd)
}

// demoToken makes up a random API token for one demo run.
func demoToken() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("demo: making up a token: %w", err)
	}
	return "demo-" + hex.EncodeToString(b), nil
}

// outcomeFlag is the value of --outcome (demo, serve --simulate): a
// terminal status.
type outcomeFlag losant.ApplicationJobLogStatus

func (o *outcomeFlag) String() string { return string(*o) }
func (o *outcomeFlag) Type() string   { return "status" }

// Set accepts completed, errored or failed.
func (o *outcomeFlag) Set(v string) error {
	switch s := losant.ApplicationJobLogStatus(v); s {
	case losant.ApplicationJobLogStatusCompleted, losant.ApplicationJobLogStatusErrored, losant.ApplicationJobLogStatusFailed:
		*o = outcomeFlag(s)
		return nil
	}
	return fmt.Errorf("want completed, errored or failed, not %q", v)
}
