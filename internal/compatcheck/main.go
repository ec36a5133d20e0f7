// Command compatcheck holds openapi.yaml and the exported Go API of the
// SDK (package losant) and of the local API server (package api) to the
// baseline committed in compat/baseline/, the last release's.
//
//	go run ./internal/compatcheck check     # what scripts/compat-check.sh and CI run
//	go run ./internal/compatcheck baseline  # what scripts/baseline.sh and scripts/release.sh run
//	go run ./internal/compatcheck release 0.2.0  # scripts/release.sh: Unreleased becomes 0.2.0
//
// check fails when oasdiff (pinned in go.mod as a tool) calls a spec
// change breaking or apidiff (pinned too) calls a Go change incompatible
// and CHANGELOG.md's Unreleased section does not acknowledge it under a
// "Breaking" heading, and when anything changed at all while Unreleased is
// empty. It prints oasdiff's warnings and lists the compatible changes.
// baseline copies the current spec and API into compat/baseline/.
// release moves Unreleased to a version and sets version.go's constant.
//
// The README's "Versioning and compatibility" section is the user's guide.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// options are where the check runs and which tools it runs.
type options struct {
	dir     string   // the module root, absolute
	oasdiff []string // the command that runs oasdiff
	apidiff []string // the command that runs apidiff
	out     io.Writer
}

// Where the baseline lives, relative to the module root.
const baselineDir = "compat/baseline"

func main() {
	o := &options{out: os.Stdout}
	fs := flag.NewFlagSet("compatcheck", flag.ExitOnError)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: compatcheck [flags] check|baseline|release VERSION")
		fs.PrintDefaults()
	}
	fs.StringVar(&o.dir, "C", ".", "the module root")
	oasdiff := fs.String("oasdiff", "", "oasdiff binary (default: go tool oasdiff)")
	apidiff := fs.String("apidiff", "", "apidiff binary (default: go tool apidiff)")
	_ = fs.Parse(os.Args[1:])
	o.oasdiff, o.apidiff = toolCommand("oasdiff", *oasdiff), toolCommand("apidiff", *apidiff)
	err := o.init()
	switch {
	case err != nil:
	case fs.Arg(0) == "check":
		err = o.check()
	case fs.Arg(0) == "baseline":
		err = o.baseline()
	case fs.Arg(0) == "release" && fs.NArg() == 2:
		err = o.release(fs.Arg(1), time.Now())
	default:
		fs.Usage()
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "compatcheck:", err)
		os.Exit(1)
	}
}

// init makes the module root absolute: the baseline's export data names
// source files relative to it.
func (o *options) init() error {
	dir, err := filepath.Abs(o.dir)
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		return fmt.Errorf("%v: run from the module root or pass -C", err)
	}
	o.dir = dir
	return nil
}

// toolCommand runs the given binary, or the go tool of that name pinned in
// go.mod.
func toolCommand(name, bin string) []string {
	if bin != "" {
		return []string{bin}
	}
	return []string{"go", "tool", name}
}

// run runs a tool in the module root and returns its standard output; a
// failure carries its standard error.
func (o *options) run(command []string, args ...string) (string, error) {
	cmd := exec.Command(command[0], append(command[1:len(command):len(command)], args...)...)
	cmd.Dir = o.dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s %s: %v\n%s", strings.Join(command, " "), strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String(), nil
}
