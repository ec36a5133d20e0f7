package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	losant "github.com/losant-go/losant-go"
	"github.com/losant-go/losant-go/internal/text"
)

// applicationJobHelp is what every job-starting command's help says about its
// output and exit codes.
const applicationJobHelp = `
Without --wait: when the API queues a job (202), stdout holds one line, the
job's id, so that a script can keep it (job=$(losant application ...)); stderr
says how to follow it. Work the API did at once (an export's 200 with its
zip's url, a clone's 201) is printed as the log a completed job would have.
With -o json, stdout holds the API's answer exactly as sent, one JSON object.

With --wait: progress goes to stderr, and stdout gets the job's final log
(-o json: the job log as the API sent it). Exits 0 when the job completed, 3
when it ended errored or failed (its log is still printed), 1 when the API
or the network fails or --timeout runs out, and 2 for a usage error or
invalid input, found before anything is sent.`

func (a *app) applicationCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "application",
		Aliases: []string{"app"},
		Short:   "Get an application; export, import and clone it; run its data archive jobs",
		Long: `Gets a Losant application, and starts the jobs that export, import and clone
it or archive its data, optionally waiting for them (--wait) and, for an
export, saving its zip (--save FILE).` + "\n" + applicationJobHelp,
		Args: cobra.ArbitraryArgs,
		RunE: groupRunE,
	}
	cf := &clientFlags{}
	cf.register(cmd)
	cmd.AddCommand(
		a.applicationGetCmd(cf),
		a.applicationExportCmd(cf),
		a.applicationImportCmd(cf),
		a.applicationCloneCmd(cf),
		a.archiveDataCmd(cf),
	)
	cmd.AddCommand(a.archiveJobCmds(cf)...)
	return cmd
}

// appFlags are the flags every application command shares: which
// application, how to print, how long to try, and (for the commands that
// start a job) whether to wait for it. The embedded jobFlags give
// --timeout its handling; their job field is the started job's.
type appFlags struct {
	jobFlags
	wait bool
}

func (f *appFlags) register(cmd *cobra.Command, startsJob bool) {
	fl := cmd.Flags()
	fl.StringVar(&f.app, "app", "", "application ID (24 hexadecimal characters)")
	outputVar(cmd, &f.output, outputTable, outputJSON)
	if startsJob {
		fl.DurationVar(&f.timeout, "timeout", 0, "give up after this long, waiting and saving included (default 0: no limit)")
		fl.BoolVar(&f.wait, "wait", false, "wait for the job to end, showing progress on stderr, then print its final log")
	} else {
		fl.DurationVar(&f.timeout, "timeout", defaultGetTimeout, "give up after this long (0 for no limit)")
	}
	must(cmd.MarkFlagRequired("app"))
	idFlags(cmd, "app")
}

func (a *app) applicationGetCmd(cf *clientFlags) *cobra.Command {
	af := &appFlags{}
	cmd := &cobra.Command{
		Use:   "get --app ID [-o table|json]",
		Short: "Print an application: its name, owner, dates and resource counts",
		Example: `  losant application get --app 575ec8687ae143cd83dc4a97
  losant app get --app 575ec8687ae143cd83dc4a97 -o json | jq .name`,
		Args: noArgs("--app"),
	}
	af.register(cmd, false)
	cmd.RunE = runE(func(ctx context.Context, _ []string) error {
		c, ctx, cancel, err := a.jobClient(ctx, cf, &af.jobFlags)
		if err != nil {
			return err
		}
		defer cancel()
		what := "getting application " + af.app
		if af.output == outputJSON {
			raw, err := c.Application.GetRaw(ctx, af.app, nil)
			if err != nil {
				return af.interrupted(ctx, err, what)
			}
			return writeRawJSON(a.stdout, raw)
		}
		application, err := c.Application.Get(ctx, af.app, nil)
		if err != nil {
			return af.interrupted(ctx, err, what)
		}
		return writeApplication(a.stdout, application)
	})
	return cmd
}

// writeApplication prints an application as aligned key/value rows.
func writeApplication(w io.Writer, app *losant.Application) error {
	rows := [][2]string{
		{"ID", app.GetID()},
		{"Name", app.GetName()},
		{"Description", app.GetDescription()},
		{"Owner", typedID(string(app.GetOwnerType()), app.GetOwnerID())},
		{"Organization", app.GetOrganizationName()},
		{"Created at", timeStr(app.GetCreationDate())},
		{"Updated at", timeStr(app.GetLastUpdated())},
		{"Endpoint slug", app.GetEndpointSlug()},
	}
	if s := app.Summary; s != nil {
		rows = append(rows, [2]string{"Summary", summaryCounts(s)})
	}
	return writeRows(w, rows)
}

// summaryCounts lists the summary's counts that are present, as
// "deviceCount 3, flowCount 2", in the order of their names: the summary
// has dozens of counters, and new ones should show without a change here.
func summaryCounts(s *losant.ApplicationSummary) string {
	raw, err := json.Marshal(s)
	if err != nil {
		return ""
	}
	var fields map[string]any
	if json.Unmarshal(raw, &fields) != nil {
		return ""
	}
	var parts []string
	for k, v := range fields {
		if n, ok := v.(float64); ok {
			parts = append(parts, k+" "+num(&n))
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

// writeRows prints key/value rows aligned on the keys, leaving out empty
// values; values are kept to one line.
func writeRows(w io.Writer, rows [][2]string) error {
	width := 0
	for _, r := range rows {
		if r[1] != "" {
			width = max(width, len(r[0]))
		}
	}
	var b strings.Builder
	for _, r := range rows {
		if r[1] == "" {
			continue
		}
		fmt.Fprintf(&b, "%-*s  %s\n", width, r[0], text.SingleLine(r[1]))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// start is one job-starting operation, in the two forms the commands need.
type start struct {
	// what names the operation in errors, such as "exporting application X".
	what string
	// raw sends the request and returns the API's answer as sent.
	raw func(ctx context.Context, c *losant.Client) (json.RawMessage, error)
	// typed sends the request and returns the job it started or the work
	// done at once (a finished job), or, for an answer that stands for no
	// job (a clone's dry run), nil and that answer, to be printed.
	typed func(ctx context.Context, c *losant.Client) (*losant.Job, any, error)
	// then, when set, runs after the job completed, before its log is
	// printed (export --save).
	then func(ctx context.Context, c *losant.Client, log *losant.ApplicationJobLog) error
}

// startJob runs op as the flags ask: prints the API's answer, or the
// started job's id, or waits for the job and prints its final log. It
// builds the client first, so a missing token is refused before anything
// is sent; the caller checks its own flags before calling it.
func (a *app) startJob(ctx context.Context, cf *clientFlags, af *appFlags, op start) error {
	c, ctx, cancel, err := a.jobClient(ctx, cf, &af.jobFlags)
	if err != nil {
		return err
	}
	defer cancel()
	if !af.wait && af.output == outputJSON {
		raw, err := op.raw(ctx, c)
		if err != nil {
			return af.interrupted(ctx, err, op.what)
		}
		return writeRawJSON(a.stdout, raw)
	}
	job, answer, err := op.typed(ctx, c)
	if err != nil {
		return af.interrupted(ctx, err, op.what)
	}
	if job == nil {
		return writeAnswer(a.stdout, af.output, answer)
	}
	if !af.wait && job.ID() != "" {
		fmt.Fprintf(a.stderr, "started job %s; follow it with: losant joblog wait --app %s --job %s\n", job.ID(), job.ApplicationID(), job.ID())
		_, err := fmt.Fprintln(a.stdout, job.ID())
		return err
	}
	return a.waitJob(ctx, c, af, job, op.then)
}

// waitJob waits for job with progress on stderr, runs then when it
// completed, and prints its final log, also when it ended errored or
// failed (the returned error then matches losant.ErrJobFailed).
func (a *app) waitJob(ctx context.Context, c *losant.Client, af *appFlags, job *losant.Job, then func(context.Context, *losant.Client, *losant.ApplicationJobLog) error) error {
	af.job = job.ID()
	var log *losant.ApplicationJobLog
	var err error
	if job.ID() == "" {
		// Work the API did at once: no job to watch.
		log, err = job.Wait(ctx)
	} else {
		p := a.newProgress()
		log, err = job.Wait(ctx, append(slices.Clip(a.waitOptions), losant.WithProgress(p.update))...)
		p.done()
	}
	if err != nil && !errors.Is(err, losant.ErrJobFailed) {
		what := "waiting for job " + job.ID()
		if log != nil {
			what += " (last seen: " + progressLine(log) + ")"
		}
		return af.interrupted(ctx, err, what)
	}
	if err == nil && then != nil {
		if err := then(ctx, c, log); err != nil {
			return err
		}
	}
	if af.output == outputJSON && job.ID() != "" {
		// The final log as the API sent it, fields the SDK does not model
		// included.
		raw, rerr := c.ApplicationJobLog.GetRaw(ctx, job.ApplicationID(), job.ID())
		if rerr != nil {
			return af.interrupted(ctx, rerr, "getting job log "+job.ID())
		}
		if werr := writeRawJSON(a.stdout, raw); werr != nil {
			return werr
		}
		return err
	}
	if werr := writeJobLog(a.stdout, af.output, log); werr != nil {
		return werr
	}
	return err
}

// writeAnswer prints an answer that stands for no job (a clone's dry
// run): as JSON, or its top-level fields as rows.
func writeAnswer(w io.Writer, f outputFormat, answer any) error {
	raw, err := json.Marshal(answer)
	if err != nil {
		return err
	}
	if f == outputJSON {
		return writeRawJSON(w, raw)
	}
	var fields map[string]any
	if err := json.Unmarshal(raw, &fields); err != nil {
		return err
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	rows := make([][2]string, 0, len(keys))
	for _, k := range keys {
		v, _ := json.Marshal(fields[k])
		rows = append(rows, [2]string{k, string(v)})
	}
	return writeRows(w, rows)
}
