package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	losant "github.com/losant-go/losant-go"
	"github.com/spf13/cobra"
)

// Exit codes of the losant command.
const (
	// ExitOK: the command did what it was asked.
	ExitOK = 0
	// ExitFailure: the API answered with an error, the network failed, or
	// a --timeout ran out.
	ExitFailure = 1
	// ExitUsage: bad flags or arguments, a missing token, or an invalid
	// ID; nothing was sent.
	ExitUsage = 2
	// ExitJobFailed: the waited job ended errored or failed.
	ExitJobFailed = 3
	// ExitInterrupted: the command was interrupted (Ctrl-C, SIGTERM)
	// before it was done, 128 + SIGINT as shells report it. serve, which
	// runs until interrupted, exits 0 when it stops cleanly.
	ExitInterrupted = 130
)

// usageError is a mistake in how the command was called.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// runError marks an error returned by a command's own code, as opposed to
// one cobra raised while parsing the command line (always a usage error).
type runError struct{ err error }

func (e *runError) Error() string { return e.err.Error() }
func (e *runError) Unwrap() error { return e.err }

// runE adapts a command body to cobra, marking its errors as runErrors.
func runE(fn func(ctx context.Context, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		if err := fn(cmd.Context(), args); err != nil {
			return &runError{err: err}
		}
		return nil
	}
}

// exitCode maps an error from the command tree to the process's exit code.
func exitCode(err error) int {
	var re *runError
	var ue *usageError
	switch {
	case err == nil:
		return ExitOK
	case !errors.As(err, &re), errors.As(err, &ue), errors.Is(err, losant.ErrInvalidArgument):
		return ExitUsage
	case errors.Is(err, losant.ErrJobFailed):
		return ExitJobFailed
	default:
		return ExitFailure
	}
}

// printError writes err to w as one line starting "losant". Errors from
// the SDK already start "losant: ", and usage errors with the command's
// path ("losant joblog get: ..."); neither is prefixed again.
func printError(w io.Writer, err error) {
	msg := strings.Join(strings.Fields(describe(err)), " ")
	if !strings.HasPrefix(msg, "losant: ") && !strings.HasPrefix(msg, "losant ") {
		msg = "losant: " + msg
	}
	fmt.Fprintln(w, msg)
}

// describe words err for a person, naming the CLI's flags where the SDK
// names its own parameters or options, and saying what to check when the
// API could not be reached.
func describe(err error) string {
	var ia *losant.InvalidArgumentError
	if errors.As(err, &ia) {
		if flag, ok := paramFlags[ia.Name]; ok {
			return "losant: invalid " + flag + ": " + sdkWords.Replace(ia.Reason)
		}
	}
	msg := sdkWords.Replace(err.Error())
	if errors.Is(err, losant.ErrUnreachable) {
		msg += "; check --url (or $" + EnvURL + "), and that the server is running"
	}
	return msg
}

// sdkWords rewords the SDK's remedies, which name its options, for the
// command line, which has flags or nothing to offer instead.
var sdkWords = strings.NewReplacer(
	" (raise the cap with WithMaxResponseBytes)", "",
	"raise the cap with WithMaxResponseBytes, or read it with a ...Raw method", "print it with -o json",
	" (or add WithInsecureAllowHTTP)", "",
	"pass the token with WithToken", "pass the token with --token or $"+EnvToken,
	" (RetryPolicy.MaxElapsed)", "",
	" (RetryPolicy.MaxRetryAfter)", "",
	"MaxAttempts reached", "no attempts left",
)
