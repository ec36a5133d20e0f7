package cli

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/spf13/cobra"

	losant "github.com/losant-go/losant-go"
)

// outputFormat is the value of -o: how job logs are printed on stdout.
type outputFormat string

const (
	outputTable outputFormat = "table"
	outputJSON  outputFormat = "json"
	// outputJSONL is one job log per line ("joblog list" only).
	outputJSONL outputFormat = "jsonl"
)

// enumFlag is a flag whose value is one of a fixed list: an output format,
// or a status from the SDK's generated enum. It accepts any case, and
// completes the list.
type enumFlag[T ~string] struct {
	p       *T
	allowed []T
	kind    string // the value's kind in the usage line, such as "format"
}

func (e *enumFlag[T]) String() string { return string(*e.p) }
func (e *enumFlag[T]) Type() string   { return e.kind }

// Set accepts one of the allowed values.
func (e *enumFlag[T]) Set(v string) error {
	for _, a := range e.allowed {
		if strings.EqualFold(v, string(a)) {
			*e.p = a
			return nil
		}
	}
	return fmt.Errorf("want %s, not %q", orList(enumStrings(e.allowed)), v)
}

// enumVar defines the flag name (with shorthand short, if not "") holding
// one of allowed in p, which keeps its value as the default, and
// registers the list as its completion.
func enumVar[T ~string](cmd *cobra.Command, p *T, name, short, kind, usage string, allowed []T) {
	cmd.Flags().VarP(&enumFlag[T]{p: p, allowed: allowed, kind: kind}, name, short, usage+": "+orList(enumStrings(allowed)))
	must(cmd.RegisterFlagCompletionFunc(name, cobra.FixedCompletions(enumStrings(allowed), cobra.ShellCompDirectiveNoFileComp)))
}

// outputVar defines -o, --output with the formats a command prints.
func outputVar(cmd *cobra.Command, p *outputFormat, formats ...outputFormat) {
	*p = formats[0]
	enumVar(cmd, p, "output", "o", "format", "output format", formats)
}

// outcomeVar defines --outcome: how a simulated job ends, one of the
// terminal statuses of the spec's enum.
func outcomeVar(cmd *cobra.Command, p *losant.ApplicationJobLogStatus, usage string) {
	outcomeFlagVar(cmd, p, "outcome", usage)
}

// outcomeFlagVar is outcomeVar under another flag name.
func outcomeFlagVar(cmd *cobra.Command, p *losant.ApplicationJobLogStatus, name, usage string) {
	var terminal []losant.ApplicationJobLogStatus
	for _, s := range losant.ApplicationJobLogStatusValues() {
		if s.Terminal() {
			terminal = append(terminal, s)
		}
	}
	*p = terminal[0]
	enumVar(cmd, p, name, "", "status", usage, terminal)
}

// enumStrings lists the values of an enum as strings.
func enumStrings[T ~string](values []T) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}

// orList joins values as "a, b or c".
func orList(values []string) string {
	if len(values) < 2 {
		return strings.Join(values, "")
	}
	return strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}

// idFlags marks flags that take a Losant ID: the shell offers no file
// names for them.
func idFlags(cmd *cobra.Command, names ...string) {
	for _, n := range names {
		must(cmd.RegisterFlagCompletionFunc(n, cobra.NoFileCompletions))
	}
}

// objectID is what a Losant ID looks like.
var objectID = regexp.MustCompile(`^[0-9A-Fa-f]{24}$`)

// noArgs refuses positional arguments; one that looks like an ID is
// pointed to the flags that take IDs (flags, such as "--app/--job").
func noArgs(flags string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return nil
		}
		if objectID.MatchString(args[0]) {
			return usagef("%s: unexpected argument %q: IDs are given as flags, use %s (see '%s --help')", cmd.CommandPath(), args[0], flags, cmd.CommandPath())
		}
		return usagef("%s: unexpected argument %q; it takes only flags, such as %s (see '%s --help')", cmd.CommandPath(), args[0], flags, cmd.CommandPath())
	}
}

// paramFlags maps the names the SDK gives arguments and options in its
// errors to the flags that fill them.
var paramFlags = map[string]string{
	"applicationId": "--app",
	"jobId":         "--job",
	"query":         "--query",
	"sortField":     "--sort",
	"sortDirection": "--order",
	"perPage":       "--page-size",
	"WithToken":     "--token",
	// The application commands' request fields, as the SDK's checks of
	// the bodies name them.
	"date":             "--date",
	"body.email":       "--email",
	"body.callbackUrl": "--callback-url",
	"body.ownerId":     "--owner-id",
	"body.ownerType":   "--owner-type",
	"WithBaseURL":      "--url",
}
