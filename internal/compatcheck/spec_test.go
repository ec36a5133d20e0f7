package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// plantedOperation is an operation the spec tests add to a scratch copy's
// openapi.yaml before its baseline is made, so that their edits do not
// depend on what the real spec holds.
const plantedOperation = `  /planted/compat-check:
    get:
      operationId: plantedCompatCheck
      parameters:
        - name: color
          in: query
          required: false
          schema:
            type: string
            enum: [red, green, blue]
      responses:
        '200':
          description: OK
`

func plantOperation(dir string) error {
	path := filepath.Join(dir, "openapi.yaml")
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if n := strings.Count(string(b), "\npaths:\n"); n != 1 {
		return fmt.Errorf("openapi.yaml has %d top-level \"paths:\" lines, want one", n)
	}
	return os.WriteFile(path, []byte(strings.Replace(string(b), "\npaths:\n", "\npaths:\n"+plantedOperation, 1)), 0o644)
}

// editOperation changes the planted operation: old must occur in it once.
func editOperation(s scratch, old, new string) {
	s.t.Helper()
	if strings.Count(plantedOperation, old) != 1 {
		s.t.Fatalf("the planted operation holds %q %d times, want once", old, strings.Count(plantedOperation, old))
	}
	s.edit("openapi.yaml", plantedOperation, strings.Replace(plantedOperation, old, new, 1))
}

func TestSpecBreakingChanges(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		oasdiff  string // oasdiff's words for the change
		rule     string // its rule id, which the acknowledgement names
	}{
		{
			name: "enum value removed", old: "[red, green, blue]", new: "[red, green]",
			oasdiff: "removed the enum value `blue` from the `query` request parameter `color`",
			rule:    "request-parameter-enum-value-removed",
		},
		{
			name: "query parameter made required", old: "required: false", new: "required: true",
			oasdiff: "the `query` request parameter `color` became required",
			rule:    "request-parameter-became-required",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newScratch(t)
			editOperation(s, tt.old, tt.new)

			out, err := s.check()
			wantFail(t, out, err, tt.oasdiff, "["+tt.rule+"]", "breaking spec change not acknowledged",
				"`"+tt.rule+"` and `GET /planted/compat-check`")

			// (TestAcknowledges shows that the rule for another operation
			// would acknowledge nothing.)
			s.acknowledge("`" + tt.rule + "` on `GET /planted/compat-check`: callers must change.")
			out, err = s.check()
			wantPass(t, out, err, tt.oasdiff)
		})
	}
}

func TestSpecAdditiveChange(t *testing.T) {
	s := newScratch(t)
	editOperation(s, "      responses:\n", "        - name: shade\n          in: query\n          schema:\n            type: string\n      responses:\n")
	out, err := s.check()
	wantPass(t, out, err, "info [new-optional-request-parameter] in GET /planted/compat-check: added the new optional `query` request parameter `shade`")

	// The same change with nothing in Unreleased fails: every change to
	// the contract is written down.
	s.emptyUnreleased()
	out, err = s.check()
	wantFail(t, out, err, "new-optional-request-parameter", "Unreleased section is empty")
}

func TestSpecWarningPrinted(t *testing.T) {
	s := newScratch(t)
	editOperation(s, "name: color", "name: colour")
	out, err := s.check()
	wantPass(t, out, err, "warning [request-parameter-removed] in GET /planted/compat-check")
}
