package ops_test

import (
	"errors"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"

	"github.com/losant-go/losant-go/internal/ops"
)

// TestTableMatchesSpec reads openapi.yaml with kin-openapi (as only tests
// and the generator may) and checks every fact the generated table holds:
// the table is the spec, not a hand-kept copy.
func TestTableMatchesSpec(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromFile("../../openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if want := "^" + doc.Info.Version; ops.AcceptVersion != want {
		t.Errorf("AcceptVersion = %q, want %q", ops.AcceptVersion, want)
	}
	var ids []string
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			ids = append(ids, op.OperationID)
			got := ops.ByID(op.OperationID)
			if got == nil {
				t.Errorf("operation %s is not in the table: run go generate", op.OperationID)
				continue
			}
			if got.Method != method || got.Path != path {
				t.Errorf("%s: %s %s, want %s %s", op.OperationID, got.Method, got.Path, method, path)
			}
			var scopes []string
			for _, s := range op.Extensions["x-losant-scopes"].([]any) {
				scopes = append(scopes, s.(string))
			}
			sort.Strings(scopes)
			if diff := cmp.Diff(scopes, got.Scopes); diff != "" {
				t.Errorf("%s scopes (-spec +table):\n%s", op.OperationID, diff)
			}
			fixed := url.Values{}
			params := append(append(openapi3.Parameters{}, item.Parameters...), op.Parameters...)
			var pathParams []string
			for _, p := range params {
				switch {
				case p.Value.In == "path":
					pathParams = append(pathParams, p.Value.Name)
					if i := slices.IndexFunc(got.PathParams, func(pp ops.PathParam) bool { return pp.Name == p.Value.Name }); i < 0 ||
						got.PathParams[i].Pattern != p.Value.Schema.Value.Pattern {
						t.Errorf("%s: path parameter %s has no pattern %q in the table", op.OperationID, p.Value.Name, p.Value.Schema.Value.Pattern)
					}
				case p.Value.Extensions["x-go-fixed"] == true:
					fixed.Set(p.Value.Name, strings.ToLower(toString(p.Value.Schema.Value.Default)))
				}
			}
			if got.DefaultQuery != fixed.Encode() {
				t.Errorf("%s: DefaultQuery %q, want %q", op.OperationID, got.DefaultQuery, fixed.Encode())
			}
			if len(pathParams) != len(got.PathParams) {
				t.Errorf("%s: %d path parameters, want %d", op.OperationID, len(got.PathParams), len(pathParams))
			}
		}
	}
	if len(ids) != len(ops.All) {
		t.Errorf("the table has %d operations, openapi.yaml %d", len(ops.All), len(ids))
	}
}

func toString(v any) string {
	if b, ok := v.(bool); ok {
		if b {
			return "true"
		}
		return "false"
	}
	return v.(string)
}

func TestCheckPath(t *testing.T) {
	op := ops.GetApplicationJobLog
	for _, tt := range []struct {
		values []string
		bad    string // the parameter named by the error, "" for none
	}{
		{[]string{"575ec8687ae143cd83dc4a97", "575EC8687AE143CD83DC4A97"}, ""},
		{[]string{"575ec8687ae143cd83dc4a97", "575ec8687ae143cd83dc4a9"}, "jobId"},
		{[]string{"575ec8687ae143cd83dc4a97", "575ec8687ae143cd83dc4a97a"}, "jobId"},
		{[]string{"../me", "575ec8687ae143cd83dc4a97"}, "applicationId"},
		{[]string{"575ec8687ae143cd83dc4a97", ""}, "jobId"},
		{[]string{"575ec8687ae143cd83dc4a9z", "575ec8687ae143cd83dc4a97"}, "applicationId"},
		{[]string{"575ec8687ae143cd83dc4a97\n", "575ec8687ae143cd83dc4a97"}, "applicationId"},
	} {
		err := op.CheckPath(tt.values)
		var pe *ops.ParamError
		switch {
		case tt.bad == "" && err != nil:
			t.Errorf("CheckPath(%q) = %v, want nil", tt.values, err)
		case tt.bad != "" && (!errors.As(err, &pe) || pe.Name != tt.bad):
			t.Errorf("CheckPath(%q) = %v, want a *ParamError naming %s", tt.values, err, tt.bad)
		}
	}
	if err := op.CheckPath([]string{"575ec8687ae143cd83dc4a97"}); err == nil {
		t.Error("CheckPath with one value of two succeeded")
	}
	long := strings.Repeat("x", 500)
	if err := op.CheckParam("jobId", long); err == nil || strings.Contains(err.Error(), long) {
		t.Errorf("CheckParam of a long value: %v; want an error that does not repeat it whole", err)
	}
	if err := op.CheckParam("losantdomain", "575ec8687ae143cd83dc4a97"); err == nil {
		t.Error("CheckParam of a header parameter succeeded")
	}
}

func TestAppendPath(t *testing.T) {
	got := string(ops.GetApplicationJobLog.AppendPath([]byte("https://x/api"), []string{"a b", "c/d"}))
	if want := "https://x/api/applications/a%20b/jobLogs/c%2Fd"; got != want {
		t.Errorf("AppendPath = %q, want %q", got, want)
	}
}

// TestMatchersAgreeWithRegexp: the generated matcher of every path
// parameter's pattern answers as the regexp package does.
func TestMatchersAgreeWithRegexp(t *testing.T) {
	inputs := []string{"", "575ec8687ae143cd83dc4a97", "575EC8687AE143CD83DC4A97", "575ec8687ae143cd83dc4a9",
		"575ec8687ae143cd83dc4a97a", "575ec8687ae143cd83dc4a9g", "575ec8687ae143cd83dc4a9\n", "../me", "é75ec8687ae143cd83dc4a9",
		"575ec8687ae143cd83dc4a9\x00", strings.Repeat("a", 24), strings.Repeat("G", 24)}
	for _, op := range ops.All {
		for _, p := range op.PathParams {
			if p.Match == nil {
				continue
			}
			re := regexp.MustCompile(p.Pattern)
			for _, in := range inputs {
				if got, want := p.Match(in), re.MatchString(in); got != want {
					t.Errorf("%s.%s: Match(%q) = %v, regexp says %v", op.ID, p.Name, in, got, want)
				}
			}
		}
	}
}

func FuzzMatchers(f *testing.F) {
	f.Add("575ec8687ae143cd83dc4a97")
	f.Add("575ec8687ae143cd83dc4a9z")
	f.Fuzz(func(t *testing.T, in string) {
		for _, op := range ops.All {
			for _, p := range op.PathParams {
				if p.Match != nil && p.Match(in) != regexp.MustCompile(p.Pattern).MatchString(in) {
					t.Errorf("%s.%s: Match(%q) disagrees with regexp", op.ID, p.Name, in)
				}
			}
		}
	})
}

// TestCheckJSON runs the query validator over queries a user writes: each
// good one passes, each bad one fails naming the place in the query that
// breaks a rule of openapi.yaml's ApplicationJobLogQuery.
func TestCheckJSONCases(t *testing.T) {
	const id = "575ec8687ae143cd83dc4a97"
	deep := strings.Repeat(`{"$and":[`, 17) + `{}` + strings.Repeat(`]}`, 17) // one past x-losant-max-depth
	many := `{"status":{"$in":[` + strings.TrimSuffix(strings.Repeat(`"a",`, 101), ",") + `]}}`
	for _, tt := range []struct {
		name, query string
		bad         string // a part of the error (the failing place), "" if the query is good
	}{
		{"empty object", `{}`, ""},
		{"status equals", `{"status":"completed"}`, ""},
		{"status in", `{"status":{"$in":["queued","inProgress"]}}`, ""},
		{"date range", `{"runQueuedAt":{"$gte":"2025-06-01T00:00:00.000Z","$lt":"2025-07-01T00:00:00.000Z"}}`, ""},
		{"id equals", `{"id":"` + id + `"}`, ""},
		{"upper-case id", `{"resourceId":{"$ne":"` + strings.ToUpper(id) + `"}}`, ""},
		{"null id", `{"id":null}`, ""},
		{"name contains, case-insensitive", `{"name":{"$contains":"Export","$ci":true}}`, ""},
		{"or of ands", `{"$or":[{"status":"failed"},{"$and":[{"name":"ArchiveData"},{"status":"errored"}]}]}`, ""},
		{"nor", `{"$nor":[{"status":"completed"}]}`, ""},
		{"number", `{"runQueuedAt":{"$gt":1717200000000}}`, ""},

		{"not JSON", `{"status":`, "JSON"},
		{"unknown field", `{"color":"red"}`, "color"},
		{"unknown field deep in an or", `{"$or":[{"status":"failed"},{"colour":"red"}]}`, "$or[1]"},
		{"unknown operator", `{"status":{"$regex":"fail.*"}}`, "status"},
		{"id not an id", `{"id":"nope"}`, "id"},
		{"id operator not an id", `{"resourceId":{"$eq":"575ec8687ae143cd83dc4a9"}}`, "resourceId"},
		{"id in with a bad id", `{"id":{"$in":["` + id + `","x"]}}`, "id"},
		{"two operators on an id", `{"id":{"$gt":"` + id + `","$lt":"` + id + `"}}`, "id"},
		{"empty contains", `{"name":{"$contains":""}}`, "name"},
		{"ci not a boolean", `{"name":{"$ci":"yes"}}`, "name"},
		{"and not an array", `{"$and":{"status":"failed"}}`, "$and"},
		{"in not an array", `{"status":{"$in":"failed"}}`, "status"},
		{"in with an object", `{"status":{"$in":[{"a":1}]}}`, "status"},
		{"too many in values", many, "status"},
		{"nested too deep", deep, "$and"},
		{"an array", `[]`, ""},
		{"a string", `"status"`, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := ops.CheckJSON("ApplicationJobLogQuery", []byte(tt.query))
			good := tt.bad == "" && strings.HasPrefix(tt.query, "{")
			switch {
			case good && err != nil:
				t.Errorf("CheckJSON(%s) = %v, want nil", tt.query, err)
			case !good && err == nil:
				t.Errorf("CheckJSON(%s) = nil, want an error", tt.query)
			case !good && !strings.Contains(err.Error(), tt.bad):
				t.Errorf("CheckJSON(%s) = %v, want it to name %q", tt.query, err, tt.bad)
			}
		})
	}
	if err := ops.CheckJSON("NoSuchSchema", []byte(`{}`)); err == nil {
		t.Error("CheckJSON against a schema the table lacks succeeded")
	}
}
