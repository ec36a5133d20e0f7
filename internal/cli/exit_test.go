package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	losant "github.com/losant-go/losant-go"
)

func TestExitCode(t *testing.T) {
	t.Parallel()
	run := func(err error) error { return &runError{err: err} }
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, ExitOK},
		{"cobra's parse error", errors.New("unknown flag: --x"), ExitUsage},
		{"usage", run(usagef("bad")), ExitUsage},
		{"invalid argument", run(fmt.Errorf("wrapped: %w", &losant.InvalidArgumentError{Name: "jobId", Reason: "no"})), ExitUsage},
		{"job failed", run(&losant.JobFailedError{Status: losant.ApplicationJobLogStatusFailed}), ExitJobFailed},
		{"API error", run(&losant.APIError{StatusCode: 404}), ExitFailure},
		{"timeout", run(context.DeadlineExceeded), ExitFailure},
	}
	for _, tt := range tests {
		if got := exitCode(tt.err); got != tt.want {
			t.Errorf("%s: exitCode = %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestPrintError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want string
	}{
		{errors.New("losant: GET /x: 404 Not Found"), "losant: GET /x: 404 Not Found\n"},
		{errors.New("serve: listen tcp: boom"), "losant: serve: listen tcp: boom\n"},
		{usagef("losant joblog get: unknown flag: --x"), "losant joblog get: unknown flag: --x\n"},
		{errors.New("two\nlines\tand  tabs"), "losant: two lines and tabs\n"},
		{&losant.InvalidArgumentError{Name: "applicationId", Reason: `"x" is not a Losant ID`}, "losant: invalid --app: \"x\" is not a Losant ID\n"},
	}
	for _, tt := range tests {
		var b strings.Builder
		printError(&b, tt.err)
		if b.String() != tt.want {
			t.Errorf("printError(%q) = %q, want %q", tt.err, b.String(), tt.want)
		}
	}
}
