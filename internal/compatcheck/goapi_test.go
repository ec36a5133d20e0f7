package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// plantedGo is a type the Go tests add to a scratch copy's packages losant
// and api before its baseline is made, so that their edits do not depend
// on what the real API holds.
const plantedGo = `
// Planted is added by internal/compatcheck's tests.
type Planted struct{ Field string }

// Method is a method of Planted.
func (*Planted) Method() {}
`

const plantedFile = "zz_planted_compat.go"

func plantGo(dir string) error {
	if err := os.WriteFile(filepath.Join(dir, plantedFile), []byte("package losant\n"+plantedGo), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "api", plantedFile), []byte("package api\n"+plantedGo), 0o644)
}

// plant adds the planted operation and types to the copy in dir.
func plant(dir string) error {
	if err := plantOperation(dir); err != nil {
		return err
	}
	return plantGo(dir)
}

func TestGoIncompatibleChanges(t *testing.T) {
	tests := []struct {
		name     string
		file     string // the planted file edited
		old, new string
		apidiff  string // apidiff's words for the change
		ack      string // what acknowledges it
	}{
		{
			name: "method renamed", file: plantedFile,
			old: "func (*Planted) Method() {}", new: "func (*Planted) Renamed() {}",
			apidiff: "incompatible: (*Planted).Method: removed", ack: "losant.Planted.Method",
		},
		{
			name: "field type changed", file: "api/" + plantedFile,
			old: "Field string", new: "Field *string",
			apidiff: "incompatible: Planted.Field: changed from string to *string", ack: "api.Planted.Field",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newScratch(t)
			s.edit(tt.file, tt.old, tt.new)

			out, err := s.check()
			wantFail(t, out, err, tt.apidiff, "incompatible Go change not acknowledged", "naming `"+tt.ack+"`")

			s.acknowledge("`" + tt.ack + "` changed: callers must change.")
			out, err = s.check()
			wantPass(t, out, err, tt.apidiff)
		})
	}
}

func TestGoAddedMethod(t *testing.T) {
	s := newScratch(t)
	s.edit(plantedFile, "func (*Planted) Method() {}", "func (*Planted) Method() {}\n\n// Other is new.\nfunc (*Planted) Other() int { return 0 }")
	out, err := s.check()
	wantPass(t, out, err,
		"compatible: (*Planted).Other: added",
		"+ pkg github.com/losant-go/losant-go, method (*Planted) Other() int")

	s.emptyUnreleased()
	out, err = s.check()
	wantFail(t, out, err, "compatible: (*Planted).Other: added", "Unreleased section is empty")
}

// The listing a reviewer reads and the export data apidiff reads are
// written together; a hand edit of the listing is caught.
func TestBaselineListingInSync(t *testing.T) {
	s := newScratch(t)
	s.edit(baselineDir+"/losant.txt", "pkg github.com/losant-go/losant-go, type Planted struct\n", "")
	out, err := s.check()
	wantFail(t, out, err, "compat/baseline/losant.txt does not list what compat/baseline/losant.export holds")
}

func TestBaselineMissing(t *testing.T) {
	s := newScratch(t)
	saved := s.read(baselineDir + "/api.export")
	if err := os.Remove(filepath.Join(s.dir, baselineDir, "api.export")); err != nil {
		t.Fatal(err)
	}
	defer s.write(baselineDir+"/api.export", saved)
	_, err := s.check()
	if err == nil || !strings.Contains(err.Error(), "scripts/baseline.sh") {
		t.Errorf("check without api.export: %v, want an error that says how to write the baseline", err)
	}
}
