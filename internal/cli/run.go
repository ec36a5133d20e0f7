// Package cli implements the losant command: its command tree, flags,
// output formats and exit codes. cmd/losant only hands it the process's
// arguments, streams, environment and signals, so tests run every command
// in-process.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	losant "github.com/losant-go/losant-go"
	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"
)

// Environment variables the command reads.
const (
	EnvToken = "LOSANT_API_TOKEN"
	EnvURL   = "LOSANT_API_URL"
)

// Run executes the losant command line args (without the program name)
// and returns the exit code: ExitOK, ExitFailure, ExitUsage,
// ExitJobFailed, or ExitInterrupted when ctx ended the command before it
// was done. Results go to stdout; progress, the serve banner and the
// one-line error of a failure go to stderr. env looks up environment
// variables (os.Getenv in the real command). Cancelling ctx stops any
// command: serve shuts down cleanly, a wait ends.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, env func(string) string) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr, env: env, isTerminal: isTerminal}
	return a.run(ctx, args)
}

// app holds what the commands share: the process's streams and
// environment, and how to tell whether a stream is a terminal.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	env            func(string) string
	// isTerminal reports whether w is an interactive terminal; tests
	// replace it to exercise the progress bar.
	isTerminal func(w io.Writer) bool
	// clientOptions are added to every SDK client the commands build;
	// tests use them for quicker retries.
	clientOptions []losant.Option
	// waitOptions are added to every wait for a job the application
	// commands start; tests and the demo use them for quicker polls.
	waitOptions []losant.WaitOption
}

func (a *app) run(ctx context.Context, args []string) int {
	if a.env == nil {
		a.env = func(string) string { return "" }
	}
	if a.stdin == nil {
		a.stdin = eofReader{}
	}
	root := a.rootCmd()
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return ExitOK
	}
	var re *runError
	var ue *usageError
	if !errors.As(err, &re) && !errors.As(err, &ue) {
		// cobra's own parse errors: add where to read the usage.
		err = usagef("%s: %v (see '%s --help')", cmd.CommandPath(), err, cmd.CommandPath())
	}
	printError(a.stderr, err)
	if ctx.Err() != nil {
		return ExitInterrupted
	}
	return exitCode(err)
}

// rootCmd builds a fresh command tree; nothing in it is shared between runs.
func (a *app) rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "losant",
		Short: "Start Losant application jobs (export, import, clone, archives), follow them, and run a local Losant API",
		Long: `losant starts a Losant application's jobs (export, import, clone, data
archives) and follows them to the file, reads application job logs and
waits for running jobs, using the API token in --token or $` + EnvToken + ` and the API at --url or
$` + EnvURL + ` (default ` + losant.DefaultBaseURL + `).

"losant serve" runs a local Losant-compatible API for tests; "losant demo"
shows everything offline, with no token and no network.

Exit codes: 0 success; 1 API or network failure, or --timeout ran out;
2 usage error or invalid input (nothing was sent); 3 the waited job ended
errored or failed; 130 interrupted (Ctrl-C).`,
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	// --version has no -v: -v is --verbose wherever a command has it.
	// (cobra adds "-v" to its own version flag; declaring the flag first
	// keeps cobra's handling without the shorthand.)
	root.Flags().Bool("version", false, "print the version and exit")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usagef("%s: %v (see '%s --help')", c.CommandPath(), err, c.CommandPath())
	})
	root.AddCommand(a.applicationCmd(), a.joblogCmd(), a.serveCmd(), a.demoCmd(), a.versionCmd())
	return root
}

// groupRunE makes a command that only groups subcommands print its help
// when called alone and refuse an unknown subcommand as a usage error.
func groupRunE(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return &runError{err: usagef("unknown command %q for %q (see '%s --help')", args[0], cmd.CommandPath(), cmd.CommandPath())}
	}
	return cmd.Help()
}

// isTerminal reports whether w is a terminal (a TTY, or a Cygwin/MSYS pty).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
}

// eofReader is an empty standard input.
type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

// must panics on a programming error in building the command tree (a flag
// name that does not exist).
func must(err error) {
	if err != nil {
		panic(fmt.Sprintf("cli: %v", err))
	}
}
