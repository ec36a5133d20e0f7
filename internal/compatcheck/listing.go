package main

import (
	"go/types"
	"slices"
	"strings"
)

// listing writes the exported API of pkg one declaration a line, sorted,
// in the spirit of Go's own api/go1.*.txt: a reviewer reads an API change
// in the baseline's diff. Other packages' types are named by package name.
func listing(pkg *types.Package) string {
	qual := func(p *types.Package) string {
		if p == pkg {
			return ""
		}
		return p.Name()
	}
	prefix := "pkg " + pkg.Path() + ", "
	var lines []string
	add := func(s string) { lines = append(lines, prefix+s) }
	scope := pkg.Scope()
	for _, name := range scope.Names() {
		obj := scope.Lookup(name)
		if !obj.Exported() {
			continue
		}
		switch obj := obj.(type) {
		case *types.Const:
			add("const " + name + " " + types.TypeString(obj.Type(), qual))
			add("const " + name + " = " + obj.Val().ExactString())
		case *types.Var:
			add("var " + name + " " + types.TypeString(obj.Type(), qual))
		case *types.Func:
			add("func " + name + strings.TrimPrefix(types.TypeString(obj.Type(), qual), "func"))
		case *types.TypeName:
			listType(obj, qual, add)
		}
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n") + "\n"
}

// listType lists a type, its exported fields or interface methods, and its
// exported methods.
func listType(obj *types.TypeName, qual types.Qualifier, add func(string)) {
	name := obj.Name()
	if obj.IsAlias() {
		add("type " + name + " = " + types.TypeString(types.Unalias(obj.Type()), qual))
		return
	}
	named, ok := obj.Type().(*types.Named)
	if !ok {
		return
	}
	if tp := named.TypeParams(); tp.Len() > 0 {
		var ps []string
		for i := range tp.Len() {
			p := tp.At(i)
			ps = append(ps, p.Obj().Name()+" "+types.TypeString(p.Constraint(), qual))
		}
		name += "[" + strings.Join(ps, ", ") + "]"
	}
	switch u := named.Underlying().(type) {
	case *types.Struct:
		add("type " + name + " struct")
		for f := range u.Fields() {
			switch {
			case f.Embedded():
				add("type " + name + " struct, embedded " + types.TypeString(f.Type(), qual))
			case f.Exported():
				add("type " + name + " struct, " + f.Name() + " " + types.TypeString(f.Type(), qual))
			}
		}
	case *types.Interface:
		add("type " + name + " interface { " + interfaceMethods(u, qual) + " }")
		for m := range u.Methods() {
			if m.Exported() {
				add("type " + name + " interface, " + m.Name() + strings.TrimPrefix(types.TypeString(m.Type(), qual), "func"))
			}
		}
	default:
		add("type " + name + " " + types.TypeString(u, qual))
	}
	for m := range named.Methods() {
		if !m.Exported() {
			continue
		}
		recv := obj.Name()
		if _, ptr := m.Signature().Recv().Type().(*types.Pointer); ptr {
			recv = "*" + recv
		}
		add("method (" + recv + ") " + m.Name() + strings.TrimPrefix(types.TypeString(m.Type(), qual), "func"))
	}
}

// interfaceMethods names an interface's methods, "unexported methods"
// standing for any it has that a caller cannot implement.
func interfaceMethods(u *types.Interface, qual types.Qualifier) string {
	var names []string
	unexported := false
	for m := range u.Methods() {
		if m.Exported() {
			names = append(names, m.Name())
		} else {
			unexported = true
		}
	}
	for e := range u.EmbeddedTypes() {
		if _, isIface := e.Underlying().(*types.Interface); !isIface {
			names = append(names, types.TypeString(e, qual))
		}
	}
	slices.Sort(names)
	if unexported {
		names = append(names, "unexported methods")
	}
	return strings.Join(names, ", ")
}

// listingDiff returns the lines only in old (removed) and only in new
// (added).
func listingDiff(old, new string) (removed, added []string) {
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			if l != "" {
				m[l] = true
			}
		}
		return m
	}
	o, n := in(old), in(new)
	for l := range o {
		if !n[l] {
			removed = append(removed, l)
		}
	}
	for l := range n {
		if !o[l] {
			added = append(added, l)
		}
	}
	slices.Sort(removed)
	slices.Sort(added)
	return removed, added
}
