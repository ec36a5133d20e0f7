package modversion

import (
	"runtime/debug"
	"testing"
)

func TestFromBuildInfo(t *testing.T) {
	const mod = "github.com/losant-go/losant-go"
	dep := func(path, version string) *debug.Module { return &debug.Module{Path: path, Version: version} }
	tests := []struct {
		name string
		info debug.BuildInfo
		want string
	}{
		{"installed at a tag", debug.BuildInfo{Main: debug.Module{Path: mod, Version: "v0.2.0"}}, "0.2.0"},
		{"built from a checkout", debug.BuildInfo{Main: debug.Module{Path: mod, Version: "v0.0.0-20261202180157-88b0c33abcde+dirty"}}, "0.0.0-20261202180157-88b0c33abcde+dirty"},
		{"devel build", debug.BuildInfo{Main: debug.Module{Path: mod, Version: "(devel)"}}, "fallback"},
		{"a program that requires the SDK", debug.BuildInfo{
			Main: debug.Module{Path: "example.com/app", Version: "v1.0.0"},
			Deps: []*debug.Module{dep("golang.org/x/time", "v0.16.0"), dep(mod, "v0.3.1")},
		}, "0.3.1"},
		{"a program without the SDK in its deps", debug.BuildInfo{
			Main: debug.Module{Path: "example.com/app", Version: "v1.0.0"},
			Deps: []*debug.Module{dep("golang.org/x/time", "v0.16.0")},
		}, "fallback"},
		{"a submodule path is another module", debug.BuildInfo{
			Main: debug.Module{Path: "example.com/app"},
			Deps: []*debug.Module{dep(mod+"/v2", "v2.0.0")},
		}, "fallback"},
		{"no build info at all", debug.BuildInfo{}, "fallback"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fromBuildInfo(&tt.info, mod, "fallback"); got != tt.want {
				t.Errorf("fromBuildInfo = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestModulePath(t *testing.T) {
	if modulePath != "github.com/losant-go/losant-go" {
		t.Errorf("modulePath = %q, want the module path in go.mod", modulePath)
	}
}

// A test binary's build info names the package under test's module as
// its main module with version "(devel)", so Get falls back.
func TestGetInTestBinary(t *testing.T) {
	if got := Get("9.9.9"); got != "9.9.9" {
		t.Errorf("Get in a test binary = %q, want the fallback", got)
	}
}
