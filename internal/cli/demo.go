package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/spf13/cobra"

	losant "github.com/losant-go/losant-go"
	"github.com/losant-go/losant-go/api"
)

// Demo settings: a job short enough to watch, polled often enough to see
// its progress move.
const (
	defaultDemoDuration = 2 * time.Second
	// demoJobDuration is how long the export and the import take.
	demoJobDuration     = 300 * time.Millisecond
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
		outcome  losant.ApplicationJobLogStatus
		output   outputFormat
	)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Try everything offline: a local API, a job log, and a simulated job to wait for",
		Long: `Runs the local Losant API in-process on a free loopback port, serving the
operations of openapi.yaml:

` + servedOperations() + `

with the spec's example job logs and an API token made up for the run, then
does what you would do against api.losant.com: gets a job log and prints it,
lists the application's job logs, exports the application and saves its zip
(to a temporary directory, removed at the end) with the download's progress,
clones the application and imports the zip into the clone, waiting for the
counts, lists both applications' job logs, and waits for a simulated job,
showing its progress, until it ends. Needs no token and no network. With -o
json, stdout holds one JSON document ({"get": ..., "list": [...], "export":
..., "clone": ..., "import": ..., "lists": {"application": [...], "clone":
[...]}, "wait": ...}) and the story goes to stderr. Exits like "joblog wait": 0 when the job completed, 3
when it ended errored or failed (see --outcome).`,
		Example: `  losant demo
  losant demo --outcome errored -o json`,
		Args: noArgs("--duration, --outcome or -o"),
	}
	fl := cmd.Flags()
	fl.DurationVar(&duration, "duration", defaultDemoDuration, "how long the simulated job runs")
	outcomeVar(cmd, &outcome, "how the simulated job ends")
	outputVar(cmd, &output, outputTable, outputJSON)
	cmd.RunE = runE(func(ctx context.Context, _ []string) error {
		if duration <= 0 {
			return usagef("invalid --duration %v: want a positive duration such as 4s", duration)
		}
		return a.demo(ctx, duration, outcome, output)
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
		Tokens: map[string][]string{token: {
			"applicationJobLog.get", "applicationJobLogs.get",
			"application.get", "application.export", "application.clone", "application.import",
		}},
		Store:       store,
		Logger:      slog.New(slog.NewTextHandler(a.stderr, nil)),
		JobDuration: demoJobDuration,
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
	// so that stdout holds one JSON document: what get, list and wait
	// printed, under those names.
	out, doc := a.stdout, (*demoDocument)(nil)
	if output == outputJSON {
		out, doc = a.stderr, &demoDocument{}
	}
	fmt.Fprintf(out, "Local Losant API running in-process at %s\n", srv.url)
	fmt.Fprintf(out, "(example data from openapi.yaml, an API token made up for this run; no network needed)\n\n")

	// 1. Get a job log.
	jf := &jobFlags{app: *example.ApplicationID, job: *example.ID, output: output}
	printCommand(out, "get", jf)
	if doc != nil {
		if doc.Get, err = c.ApplicationJobLog.GetRaw(ctx, jf.app, jf.job); err != nil {
			return err
		}
	} else {
		log, err := c.ApplicationJobLog.Get(ctx, jf.app, jf.job)
		if err != nil {
			return err
		}
		if err := writeJobLog(a.stdout, output, log); err != nil {
			return err
		}
	}

	// 2. List the application's job logs: a short table with the story,
	// or the document's "list".
	lf := &listFlags{
		app: jf.app, sort: string(losant.ApplicationJobLogSortFieldRunQueuedAt), order: string(losant.SortDirectionDesc),
		pageSize: losant.DefaultPageSize, limit: demoListLimit, output: output,
	}
	fmt.Fprintf(out, "\nThe application's job logs, newest first:\n$ losant joblog list --app %s --order %s --limit %d%s\n", lf.app, lf.order, lf.limit, formatArg(output))
	params, err := lf.params()
	if err != nil {
		return err
	}
	var list bytes.Buffer
	listOut := io.Writer(out)
	if doc != nil {
		listOut = &list
	}
	if err := listJobLogs(ctx, listOut, c, lf, params); err != nil {
		return err
	}
	doc.setList(list.Bytes())

	// 3-5. Export, save the zip, import it into a clone, list both.
	if err := a.demoTransfer(ctx, out, doc, token, srv.url, jf.app, output); err != nil {
		return err
	}

	// 6. Wait for a simulated job.
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
	var waited bytes.Buffer
	waitOut := a.stdout
	if doc != nil {
		waitOut = &waited
	}
	err = a.wait(waitCtx, waitOut, c, wf, losant.WithPollInterval(demoPollInterval), losant.WithMaxPollInterval(demoMaxPollInterval))
	if doc != nil && waited.Len() > 0 {
		// The job log is printed also when the job ended errored or failed.
		doc.Wait = bytes.TrimSpace(waited.Bytes())
		if werr := doc.write(a.stdout); werr != nil {
			return werr
		}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\nNext: \"losant serve --token dev-token\" runs this API for your own code and tests;\n"+
		"\"losant application export --app ID --save app.zip\" and \"losant joblog wait --app ID --job ID\"\n"+
		"do the same against api.losant.com with $%s.\n", EnvToken)
	return nil
}

// printCommand shows the losant command that does what the demo does next.
func printCommand(w io.Writer, sub string, jf *jobFlags) {
	fmt.Fprintf(w, "$ losant joblog %s --app %s --job %s%s\n", sub, jf.app, jf.job, formatArg(jf.output))
}

// formatArg is the -o argument that asks for f, "" for the default.
func formatArg(f outputFormat) string {
	if f == outputTable {
		return ""
	}
	return " -o " + string(f)
}

// demoDocument is what "demo -o json" prints: one JSON object holding what
// each command shown would have printed.
type demoDocument struct {
	Get    json.RawMessage `json:"get"`
	List   json.RawMessage `json:"list"`
	Export json.RawMessage `json:"export"`
	Clone  json.RawMessage `json:"clone"`
	Import json.RawMessage `json:"import"`
	// Lists are the two applications' job logs after the import.
	Lists struct {
		Application json.RawMessage `json:"application"`
		Clone       json.RawMessage `json:"clone"`
	} `json:"lists"`
	Wait json.RawMessage `json:"wait"`
}

// setList keeps the list's JSON array; a nil document keeps nothing.
func (d *demoDocument) setList(b []byte) {
	if d != nil {
		d.List = bytes.TrimSpace(b)
	}
}

// write prints the document, indented as every JSON output of the command.
func (d *demoDocument) write(w io.Writer) error {
	b, err := json.Marshal(d)
	if err != nil {
		return err
	}
	return writeRawJSON(w, b)
}

// demoToken makes up a random API token for one demo run.
func demoToken() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("demo: making up a token: %w", err)
	}
	return "demo-" + hex.EncodeToString(b), nil
}

// demoTransfer is the export-to-import part of the demo, through the
// application commands' own code: export the application appID with
// --save into a temporary directory, clone it, import the zip into the
// clone with --wait, and list both applications' job logs. The commands'
// output goes to out, or into doc with -o json.
func (a *app) demoTransfer(ctx context.Context, out io.Writer, doc *demoDocument, token, url, appID string, output outputFormat) error {
	dir, err := os.MkdirTemp("", "losant-demo-")
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	defer os.RemoveAll(dir)
	zipPath := filepath.Join(dir, "app.zip")
	cf := &clientFlags{token: token, url: url}
	// The application commands, printing where the demo says, polling
	// often enough to show a short job's progress.
	sub := *a
	sub.waitOptions = append(slices.Clip(a.waitOptions), losant.WithPollInterval(demoPollInterval/2), losant.WithMaxPollInterval(demoPollInterval))
	var buf bytes.Buffer
	run := func(field *json.RawMessage, fn func() error) error {
		buf.Reset()
		sub.stdout = out
		if doc != nil {
			sub.stdout = &buf
		}
		err := fn()
		if doc != nil {
			*field = bytes.Clone(bytes.TrimSpace(buf.Bytes()))
		}
		return err
	}
	waitFlags := func(app string) *appFlags {
		return &appFlags{jobFlags: jobFlags{app: app, output: output, timeout: demoGrace}, wait: true}
	}

	fmt.Fprintf(out, "\nExport the application, wait for the job and save its zip (progress on stderr):\n$ losant application export --app %s --save %s%s\n", appID, zipPath, formatArg(output))
	var exportField json.RawMessage
	err = run(&exportField, func() error {
		return sub.startJob(ctx, cf, waitFlags(appID), exportOp(appID, &losant.ApplicationExportPost{}, func(ctx context.Context, c *losant.Client, log *losant.ApplicationJobLog) error {
			return sub.saveOutput(ctx, c, log, zipPath, false)
		}))
	})
	if err != nil {
		return fmt.Errorf("demo: export: %w", err)
	}

	fmt.Fprintf(out, "\nClone the application, to import the zip into:\n$ losant application clone --app %s --wait%s\n", appID, formatArg(output))
	c, err := a.client(token, url, false)
	if err != nil {
		return err
	}
	res, err := c.Application.Clone(ctx, appID, &losant.ApplicationClonePost{})
	if err != nil {
		return fmt.Errorf("demo: clone: %w", err)
	}
	cloneLog, err := res.Job().Wait(ctx, sub.waitOptions...)
	if err != nil {
		return fmt.Errorf("demo: clone: %w", err)
	}
	cloneID := cloneLog.GetOutput().GetApplicationID()
	var cloneField json.RawMessage
	if err := run(&cloneField, func() error { return writeJobLog(sub.stdout, output, cloneLog) }); err != nil {
		return err
	}

	fmt.Fprintf(out, "\nImport the zip into the clone %s and wait for the counts:\n$ losant application import --app %s --file %s --wait%s\n", cloneID, cloneID, zipPath, formatArg(output))
	f, err := openZip(zipPath)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	defer f.Close()
	var importField json.RawMessage
	err = run(&importField, func() error {
		return sub.startJob(ctx, cf, waitFlags(cloneID), importOp(cloneID, f, "", nil))
	})
	if err != nil {
		return fmt.Errorf("demo: import: %w", err)
	}

	var lists [2]json.RawMessage
	for i, app := range []string{appID, cloneID} {
		lf := &listFlags{
			app: app, sort: string(losant.ApplicationJobLogSortFieldRunQueuedAt), order: string(losant.SortDirectionDesc),
			pageSize: losant.DefaultPageSize, limit: demoListLimit, output: output,
		}
		fmt.Fprintf(out, "\nJob logs of %s, newest first:\n$ losant joblog list --app %s --order %s --limit %d%s\n", app, lf.app, lf.order, lf.limit, formatArg(output))
		params, err := lf.params()
		if err != nil {
			return err
		}
		if err := run(&lists[i], func() error { return listJobLogs(ctx, sub.stdout, c, lf, params) }); err != nil {
			return err
		}
	}
	if doc != nil {
		doc.Export, doc.Clone, doc.Import = exportField, cloneField, importField
		doc.Lists.Application, doc.Lists.Clone = lists[0], lists[1]
	}
	return nil
}
