package main

import (
	"bufio"
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/tools/go/gcexportdata"
	"golang.org/x/tools/go/packages"
)

// goPackage is one package whose exported API is held to the baseline.
type goPackage struct {
	name string // the package's name: names the baseline files and prefixes acknowledgements
	dir  string // relative to the module root
}

// goPackages: the SDK users import, and the local API server they embed
// in their tests.
var goPackages = []goPackage{{name: "losant", dir: "."}, {name: "api", dir: "api"}}

// writeExport type-checks the package in dir (relative to the module root
// o.dir) and writes its export data, the format apidiff compares, to file.
//
// apidiff -w would write the same data, but with the absolute path of
// every source file in it: the committed baseline would then differ by
// machine. Parsing the files under their module-relative names keeps it
// byte-for-byte the same on every clone.
func (o *options) writeExport(dir, file string) error {
	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedTypes | packages.NeedSyntax | packages.NeedTypesInfo,
		Dir:  o.dir,
		ParseFile: func(fset *token.FileSet, filename string, src []byte) (*ast.File, error) {
			if rel, err := filepath.Rel(o.dir, filename); err == nil {
				filename = filepath.ToSlash(rel)
			}
			return parser.ParseFile(fset, filename, src, parser.AllErrors|parser.ParseComments)
		},
	}
	pkgs, err := packages.Load(cfg, "./"+dir)
	if err != nil {
		return fmt.Errorf("loading ./%s: %v", dir, err)
	}
	if len(pkgs) != 1 {
		return fmt.Errorf("loading ./%s: got %d packages, want 1", dir, len(pkgs))
	}
	p := pkgs[0]
	if len(p.Errors) > 0 {
		var msgs []string
		for _, e := range p.Errors {
			msgs = append(msgs, e.Error())
		}
		return fmt.Errorf("./%s does not type-check:\n%s", dir, strings.Join(msgs, "\n"))
	}
	// apidiff's file format: the import path on a line, then the data
	// (which does not record the path).
	var buf bytes.Buffer
	buf.WriteString(p.PkgPath + "\n")
	if err := gcexportdata.Write(&buf, p.Fset, p.Types); err != nil {
		return fmt.Errorf("writing the export data of ./%s: %v", dir, err)
	}
	return os.WriteFile(file, buf.Bytes(), 0o644)
}

// readExport reads export data that writeExport wrote.
func readExport(file string) (*types.Package, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := bufio.NewReader(f)
	path, err := r.ReadString('\n')
	if err != nil {
		return nil, fmt.Errorf("reading export data %s: %v (refresh it with scripts/baseline.sh)", file, err)
	}
	pkg, err := gcexportdata.Read(r, token.NewFileSet(), map[string]*types.Package{}, strings.TrimSuffix(path, "\n"))
	if err != nil {
		return nil, fmt.Errorf("reading export data %s: %v (refresh it with scripts/baseline.sh)", file, err)
	}
	return pkg, nil
}

// goChange is one line of apidiff's report.
type goChange struct {
	subject string // what changed, as apidiff names it: "(*Client).Get", "JobLog.Status"
	message string // apidiff's words: "removed", "changed from *string to string"
}

// ackKey is what an item under "Breaking" must name to acknowledge the
// change: the package name and the subject in Go doc-link form, with a
// method's receiver written as its type: losant.Client.Get, api.Server.
func (c goChange) ackKey(pkg string) string {
	s := strings.NewReplacer("(*", "", ")", "").Replace(c.subject)
	return pkg + "." + s
}

// goChanges runs apidiff from the baseline export data to the current one
// and returns its incompatible and compatible changes.
func (o *options) goChanges(base, rev string) (incompatible, compatible []goChange, err error) {
	out, err := o.run(o.apidiff, base, rev)
	if err != nil {
		return nil, nil, err
	}
	incompatible, compatible = parseAPIDiff(out)
	return incompatible, compatible, nil
}

// parseAPIDiff reads apidiff's text report: a section "Incompatible
// changes:" and one "Compatible changes:", each a list of "- subject:
// message".
func parseAPIDiff(out string) (incompatible, compatible []goChange) {
	var into *[]goChange
	for _, l := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(l, "Incompatible changes:"):
			into = &incompatible
		case strings.HasPrefix(l, "Compatible changes:"):
			into = &compatible
		case strings.HasPrefix(l, "- ") && into != nil:
			subject, message, ok := strings.Cut(strings.TrimPrefix(l, "- "), ": ")
			if !ok {
				subject, message = strings.TrimPrefix(l, "- "), ""
			}
			*into = append(*into, goChange{subject: subject, message: message})
		}
	}
	return incompatible, compatible
}
