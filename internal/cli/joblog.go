package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	losant "github.com/losant-go/losant-go"
)

// defaultGetTimeout bounds "joblog get" unless --timeout says otherwise.
const defaultGetTimeout = time.Minute

// errTimedOut is the cause of a context ended by --timeout, which tells it
// apart from the caller's own cancellation (Ctrl-C).
var errTimedOut = errors.New("--timeout ran out")

// jobFlags name one job log and how to print it.
type jobFlags struct {
	app, job string
	output   outputFormat
	timeout  time.Duration
}

func (f *jobFlags) register(cmd *cobra.Command, timeoutDefault time.Duration, timeoutUsage string) {
	fl := cmd.Flags()
	fl.StringVar(&f.app, "app", "", "application ID (24 hexadecimal characters)")
	fl.StringVar(&f.job, "job", "", "job log ID (24 hexadecimal characters)")
	outputVar(cmd, &f.output, outputTable, outputJSON)
	fl.DurationVar(&f.timeout, "timeout", timeoutDefault, timeoutUsage)
	must(cmd.MarkFlagRequired("app"))
	must(cmd.MarkFlagRequired("job"))
	idFlags(cmd, "app", "job")
}

// withTimeout applies --timeout to ctx; 0 means no limit of its own.
func (f *jobFlags) withTimeout(ctx context.Context) (context.Context, context.CancelFunc, error) {
	switch {
	case f.timeout < 0:
		return nil, nil, usagef("invalid --timeout %v: want a positive duration such as 30s, or 0 for none", f.timeout)
	case f.timeout == 0:
		ctx, cancel := context.WithCancel(ctx)
		return ctx, cancel, nil
	}
	ctx, cancel := context.WithTimeoutCause(ctx, f.timeout, errTimedOut)
	return ctx, cancel, nil
}

// interrupted rewords err when ctx ended: --timeout running out, or the
// caller cancelling (Ctrl-C). what says what was going on.
func (f *jobFlags) interrupted(ctx context.Context, err error, what string) error {
	switch cause := context.Cause(ctx); {
	case errors.Is(cause, errTimedOut):
		return fmt.Errorf("timed out after %v (--timeout) %s", f.timeout, what)
	case cause != nil:
		return fmt.Errorf("interrupted %s: %w", what, cause)
	}
	return err
}

func (a *app) joblogCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "joblog",
		Short: "Read application job logs and wait for jobs",
		Args:  cobra.ArbitraryArgs,
		RunE:  groupRunE,
	}
	cf := &clientFlags{}
	cf.register(cmd)
	cmd.AddCommand(a.joblogGetCmd(cf), a.joblogWaitCmd(cf), a.joblogListCmd(cf))
	return cmd
}

func (a *app) joblogGetCmd(cf *clientFlags) *cobra.Command {
	jf := &jobFlags{}
	cmd := &cobra.Command{
		Use:   "get --app ID --job ID [-o json|table]",
		Short: "Print an application job log",
		Example: `  export LOSANT_API_TOKEN=...
  losant joblog get --app 575ec8687ae143cd83dc4a97 --job 575ec8687ae143cd83dc4a98
  losant joblog get --app 575ec8687ae143cd83dc4a97 --job 575ec8687ae143cd83dc4a98 -o json | jq .status`,
		Args: noArgs("--app/--job"),
	}
	jf.register(cmd, defaultGetTimeout, "give up after this long (0 for no limit)")
	cmd.RunE = runE(func(ctx context.Context, _ []string) error {
		c, ctx, cancel, err := a.jobClient(ctx, cf, jf)
		if err != nil {
			return err
		}
		defer cancel()
		if jf.output == outputJSON {
			// The object as Losant sent it, fields the SDK does not model included.
			raw, err := c.ApplicationJobLog.GetRaw(ctx, jf.app, jf.job)
			if err != nil {
				return jf.interrupted(ctx, err, "getting job log "+jf.job)
			}
			return writeRawJSON(a.stdout, raw)
		}
		log, err := c.ApplicationJobLog.Get(ctx, jf.app, jf.job)
		if err != nil {
			return jf.interrupted(ctx, err, "getting job log "+jf.job)
		}
		return writeJobLog(a.stdout, jf.output, log)
	})
	return cmd
}

func (a *app) joblogWaitCmd(cf *clientFlags) *cobra.Command {
	jf := &jobFlags{}
	var interval, maxInterval time.Duration
	cmd := &cobra.Command{
		Use:   "wait --app ID --job ID [--interval D] [--timeout D] [-o json|table]",
		Short: "Wait for a job to finish, showing its progress, then print its log",
		Long: `Polls the job log until the job is completed, errored or failed, then prints
the final log on stdout. Progress goes to stderr: a progress bar when stderr is
a terminal, otherwise one line each time the status or counters change.

The wait between polls starts at --interval and grows by half each poll, up to
--max-interval. Exits 0 when the job completed, 3 when it ended errored or
failed (the log is still printed), 1 when --timeout runs out or the API fails.`,
		Example: `  losant joblog wait --app 575ec8687ae143cd83dc4a97 --job 575ec8687ae143cd83dc4a98
  losant joblog wait --app 575ec8687ae143cd83dc4a97 --job 575ec8687ae143cd83dc4a98 --interval 2s --timeout 10m -o json`,
		Args: noArgs("--app/--job"),
	}
	jf.register(cmd, 0, "give up after this long (default: wait as long as the job runs)")
	fl := cmd.Flags()
	fl.DurationVar(&interval, "interval", losant.DefaultPollInterval, "first wait between polls")
	fl.DurationVar(&maxInterval, "max-interval", losant.DefaultMaxPollInterval, "longest wait between polls")
	cmd.RunE = runE(func(ctx context.Context, _ []string) error {
		if interval <= 0 {
			return usagef("invalid --interval %v: want a positive duration such as 1s", interval)
		}
		if maxInterval <= 0 {
			return usagef("invalid --max-interval %v: want a positive duration such as 30s", maxInterval)
		}
		if !cmd.Flags().Changed("max-interval") {
			maxInterval = max(maxInterval, interval)
		}
		c, ctx, cancel, err := a.jobClient(ctx, cf, jf)
		if err != nil {
			return err
		}
		defer cancel()
		return a.wait(ctx, a.stdout, c, jf, losant.WithPollInterval(interval), losant.WithMaxPollInterval(maxInterval))
	})
	return cmd
}

// wait waits for the job jf names, reporting progress on stderr, and
// prints the final log on out, also when the job ended errored or failed
// (the returned error then matches losant.ErrJobFailed).
func (a *app) wait(ctx context.Context, out io.Writer, c *losant.Client, jf *jobFlags, opts ...losant.WaitOption) error {
	p := a.newProgress()
	log, err := c.ApplicationJobLog.Wait(ctx, jf.app, jf.job, append(opts, losant.WithProgress(p.update))...)
	p.done()
	if err != nil && !errors.Is(err, losant.ErrJobFailed) {
		what := "waiting for job log " + jf.job
		if log != nil {
			what += " (last seen: " + progressLine(log) + ")"
		}
		return jf.interrupted(ctx, err, what)
	}
	if werr := writeJobLog(out, jf.output, log); werr != nil {
		return werr
	}
	return err
}

// jobClient builds the SDK client from the flags and applies --timeout to
// ctx; call cancel when done.
func (a *app) jobClient(ctx context.Context, cf *clientFlags, jf *jobFlags) (*losant.Client, context.Context, context.CancelFunc, error) {
	c, err := a.newClient(cf)
	if err != nil {
		return nil, nil, nil, err
	}
	ctx, cancel, err := jf.withTimeout(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	return c, ctx, cancel, nil
}
