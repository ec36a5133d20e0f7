package losant_test

import (
	"reflect"
	"testing"

	losant "github.com/losant-go/losant-go"
)

// modelTypes returns the struct types reachable from root through fields,
// root included.
func modelTypes(root reflect.Type) []reflect.Type {
	seen := map[reflect.Type]bool{}
	var out []reflect.Type
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || seen[t] || t.PkgPath() != root.PkgPath() {
			return
		}
		seen[t] = true
		out = append(out, t)
		for i := range t.NumField() {
			walk(t.Field(i).Type)
		}
	}
	walk(root)
	return out
}

// TestGettersAreNilSafe calls every getter of every model on a nil
// pointer and on an empty value: each returns its zero value, none panics,
// and every exported field has one.
func TestGettersAreNilSafe(t *testing.T) {
	types := modelTypes(reflect.TypeFor[losant.ApplicationJobLog]())
	if len(types) < 6 {
		t.Fatalf("found %d model types, want the job log and its nested objects", len(types))
	}
	for _, typ := range types {
		for _, v := range []reflect.Value{reflect.Zero(reflect.PointerTo(typ)), reflect.New(typ)} {
			for i := range typ.NumField() {
				name := "Get" + typ.Field(i).Name
				m := v.MethodByName(name)
				if !m.IsValid() {
					t.Errorf("%s has no %s", typ.Name(), name)
					continue
				}
				func() {
					defer func() {
						if r := recover(); r != nil {
							t.Errorf("(%s).%s() panicked: %v", v.Type(), name, r)
						}
					}()
					if out := m.Call(nil)[0]; !out.IsZero() {
						t.Errorf("(%s).%s() = %v, want the zero value", v.Type(), name, out)
					}
				}()
			}
		}
	}
}

func TestGettersChain(t *testing.T) {
	var log *losant.ApplicationJobLog
	if log.GetProgress().GetCompleted() != 0 || log.GetOutput().GetDownloadURLs() != nil || log.GetStatus() != "" || log.Finished() {
		t.Error("getters on a nil log are not zero")
	}
	done, total := 12.0, 100.0
	log = &losant.ApplicationJobLog{Progress: &losant.ApplicationJobLogProgress{Completed: &done, Total: &total}}
	if log.GetProgress().GetCompleted() != 12 || log.GetProgress().GetTotal() != 100 || log.GetError().GetMessage() != "" {
		t.Errorf("getters do not read the fields: %v", log.GetProgress())
	}
}

func TestStatusHelpers(t *testing.T) {
	for _, tt := range []struct {
		s                losant.ApplicationJobLogStatus
		terminal, failed bool
	}{
		{losant.ApplicationJobLogStatusQueued, false, false},
		{losant.ApplicationJobLogStatusInProgress, false, false},
		{losant.ApplicationJobLogStatusCompleted, true, false},
		{losant.ApplicationJobLogStatusErrored, true, true},
		{losant.ApplicationJobLogStatusFailed, true, true},
		{"paused", false, false}, // unknown: still running
		{"", false, false},
	} {
		if tt.s.Terminal() != tt.terminal || tt.s.Failed() != tt.failed {
			t.Errorf("%q: Terminal %v Failed %v, want %v %v", tt.s, tt.s.Terminal(), tt.s.Failed(), tt.terminal, tt.failed)
		}
	}
}
