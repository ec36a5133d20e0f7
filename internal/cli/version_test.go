package cli

import (
	"strings"
	"testing"

	losant "github.com/losant-go/losant-go"
)

func TestVersionCommand(t *testing.T) {
	// A test binary records no module version, so the command falls back
	// on the constant; TestUserAgentReportsModuleVersion (package losant)
	// and the modversion tests cover a version from the build info.
	r := runCLI(t, nil, "version")
	if r.code != ExitOK || r.stdout != losant.Version+"\n" || r.stderr != "" {
		t.Errorf("losant version: exit %d, stdout %q, stderr %q; want 0, %q, nothing", r.code, r.stdout, r.stderr, losant.Version+"\n")
	}
	r = runCLI(t, nil, "version", "extra")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "extra") {
		t.Errorf("losant version extra: exit %d, stderr %q; want %d naming the argument", r.code, r.stderr, ExitUsage)
	}
}
