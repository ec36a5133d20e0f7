// Package modversion tells which version of the losant-go module a
// program was built with, for the User-Agent of the SDK and the CLI and
// for `losant version`.
package modversion

import (
	"reflect"
	"runtime/debug"
	"strings"
	"sync"
)

// modulePath is the path of the module this package belongs to, worked
// out from this package's own import path so that it cannot go stale.
var modulePath = strings.TrimSuffix(reflect.TypeFor[marker]().PkgPath(), "/internal/modversion")

type marker struct{}

// get reads the build info once; a program asks at most a few times.
var get = sync.OnceValues(debug.ReadBuildInfo)

// Get returns the version of the losant-go module that the running
// program was built with, without the leading "v": "0.2.0" for a program
// that requires losant-go v0.2.0 or was installed with
// `go install .../cmd/losant@v0.2.0`, a pseudo-version such as
// "0.0.0-20261202180157-88b0c33abcde+dirty" for a build from a checkout.
// It returns fallback (the Version constant) when the build info records
// none: a test binary, a "(devel)" build, a build outside module mode.
func Get(fallback string) string {
	info, ok := get()
	if !ok {
		return fallback
	}
	return fromBuildInfo(info, modulePath, fallback)
}

// fromBuildInfo finds module mod in info: the main module when the
// program is losant-go's own (the CLI), else a dependency.
func fromBuildInfo(info *debug.BuildInfo, mod, fallback string) string {
	v := ""
	if info.Main.Path == mod {
		v = info.Main.Version
	} else {
		for _, d := range info.Deps {
			if d.Path == mod {
				v = d.Version
				break
			}
		}
	}
	if v == "" || v == "(devel)" {
		return fallback
	}
	return strings.TrimPrefix(v, "v")
}
