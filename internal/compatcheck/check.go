package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// baseline makes the current spec and Go API the baseline: a copy of
// openapi.yaml, and for each Go package its export data (what apidiff
// reads) and its listing (what a reviewer reads), written from the same
// type-checked package so the two cannot disagree.
func (o *options) baseline() error {
	dir := filepath.Join(o.dir, baselineDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	spec, err := os.ReadFile(filepath.Join(o.dir, "openapi.yaml"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "openapi.yaml"), spec, 0o644); err != nil {
		return err
	}
	for _, p := range goPackages {
		export := filepath.Join(dir, p.name+".export")
		if err := o.writeExport(p.dir, export); err != nil {
			return err
		}
		pkg, err := readExport(export)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, p.name+".txt"), []byte(listing(pkg)), 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(o.out, "baseline: wrote %s/ (openapi.yaml; export data and API listing of %s)\n", baselineDir, packageNames())
	return nil
}

// baselineFiles are the files baseline writes into compat/baseline/.
func baselineFiles() []string {
	names := []string{"openapi.yaml"}
	for _, p := range goPackages {
		names = append(names, p.name+".export", p.name+".txt")
	}
	return names
}

func packageNames() string {
	var names []string
	for _, p := range goPackages {
		names = append(names, p.name)
	}
	return strings.Join(names, ", ")
}

// report gathers what the check found; problems fail it.
type report struct {
	problems []string
	changed  bool // the spec's contract or the Go API differs from the baseline
}

func (r *report) fail(format string, args ...any) {
	r.problems = append(r.problems, fmt.Sprintf(format, args...))
}

// check compares the spec and the Go API with the baseline and holds the
// differences to CHANGELOG.md.
func (o *options) check() error {
	text, err := os.ReadFile(filepath.Join(o.dir, "CHANGELOG.md"))
	if err != nil {
		return fmt.Errorf("%v: the compatibility check needs a Keep a Changelog file with an Unreleased section", err)
	}
	cl, err := parseChangelog(string(text))
	if err != nil {
		return err
	}
	for _, name := range baselineFiles() {
		if _, err := os.Stat(filepath.Join(o.dir, baselineDir, name)); err != nil {
			return fmt.Errorf("%v: the baseline is incomplete; scripts/baseline.sh writes it (at a release, or on purpose in a commit that says why)", err)
		}
	}
	var r report
	if err := o.checkSpec(cl, &r); err != nil {
		return err
	}
	for _, p := range goPackages {
		if err := o.checkGo(p, cl, &r); err != nil {
			return err
		}
	}
	if r.changed && len(cl.items) == 0 {
		r.fail("openapi.yaml's contract or the exported Go API differs from %s/, but CHANGELOG.md's Unreleased section is empty: say what changed for users there", baselineDir)
	}
	if len(r.problems) > 0 {
		fmt.Fprintf(o.out, "\nFAIL: %d problem(s):\n", len(r.problems))
		for _, p := range r.problems {
			fmt.Fprintln(o.out, "- "+p)
		}
		return errors.New("the spec or the Go API breaks compatibility without saying so in CHANGELOG.md (see the README's \"Versioning and compatibility\")")
	}
	if r.changed {
		fmt.Fprintf(o.out, "\nok: every breaking change is acknowledged in CHANGELOG.md and Unreleased describes the changes\n")
	} else {
		fmt.Fprintf(o.out, "\nok: openapi.yaml and the Go API match %s/\n", baselineDir)
	}
	return nil
}

// checkSpec runs oasdiff from the baseline spec to openapi.yaml.
func (o *options) checkSpec(cl unreleased, r *report) error {
	changes, err := o.specChanges(filepath.Join(baselineDir, "openapi.yaml"), "openapi.yaml")
	if err != nil {
		return err
	}
	fmt.Fprintf(o.out, "openapi.yaml against %s/openapi.yaml (oasdiff): %d change(s)\n", baselineDir, len(changes))
	for _, c := range changes {
		fmt.Fprintln(o.out, "  "+c.String())
		if c.Level >= levelErr && !cl.acknowledges(c.ackKeys()...) {
			r.fail("breaking spec change not acknowledged: %s\n  add under \"### Breaking\" in CHANGELOG.md's Unreleased an item naming %s",
				c, backquoted(c.ackKeys()))
		}
	}
	r.changed = r.changed || len(changes) > 0
	return nil
}

// checkGo runs apidiff from the baseline export data of one package to its
// current API, and compares the listings.
func (o *options) checkGo(p goPackage, cl unreleased, r *report) error {
	base := filepath.Join(baselineDir, p.name+".export")
	basePkg, err := readExport(filepath.Join(o.dir, base))
	if err != nil {
		return err
	}
	baseListing := listing(basePkg)
	committed, err := os.ReadFile(filepath.Join(o.dir, baselineDir, p.name+".txt"))
	if err != nil {
		return err
	}
	if string(committed) != baseListing {
		r.fail("%s/%s.txt does not list what %s holds: the two are written together by scripts/baseline.sh, never by hand", baselineDir, p.name, base)
	}
	tmp, err := os.MkdirTemp("", "compatcheck")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	cur := filepath.Join(tmp, p.name+".export")
	if err := o.writeExport(p.dir, cur); err != nil {
		return err
	}
	curPkg, err := readExport(cur)
	if err != nil {
		return err
	}
	incompatible, compatible, err := o.goChanges(base, cur)
	if err != nil {
		return err
	}
	removed, added := listingDiff(baseListing, listing(curPkg))
	fmt.Fprintf(o.out, "package %s (%s) against %s (apidiff): %d incompatible, %d compatible change(s)\n",
		p.name, filepath.ToSlash(filepath.Join(".", p.dir))+"/", base, len(incompatible), len(compatible))
	for _, c := range incompatible {
		fmt.Fprintf(o.out, "  incompatible: %s: %s\n", c.subject, c.message)
		if !cl.acknowledges(c.ackKey(p.name)) {
			r.fail("incompatible Go change not acknowledged: package %s: %s: %s\n  add under \"### Breaking\" in CHANGELOG.md's Unreleased an item naming `%s`",
				p.name, c.subject, c.message, c.ackKey(p.name))
		}
	}
	for _, c := range compatible {
		fmt.Fprintf(o.out, "  compatible: %s: %s\n", c.subject, c.message)
	}
	if len(removed)+len(added) > 0 {
		fmt.Fprintf(o.out, "  %s/%s.txt would change (scripts/baseline.sh at release):\n", baselineDir, p.name)
		for _, l := range removed {
			fmt.Fprintln(o.out, "  - "+l)
		}
		for _, l := range added {
			fmt.Fprintln(o.out, "  + "+l)
		}
	}
	r.changed = r.changed || len(incompatible)+len(compatible)+len(removed)+len(added) > 0
	return nil
}

func backquoted(keys []string) string {
	var q []string
	for _, k := range keys {
		q = append(q, "`"+k+"`")
	}
	return strings.Join(q, " and ")
}
