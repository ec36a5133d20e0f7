package spec

import (
	"errors"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// visitJSON is CheckPathParam without the compiled-pattern shortcut: the
// schema validator alone, as it words its errors.
func visitJSON(o *Operation, name, value string) error {
	p, err := o.PathParam(name)
	if err != nil {
		return err
	}
	if value == "" {
		return errors.New("is empty")
	}
	if err := p.Schema.Value.VisitJSON(value, openapi3.DisableReadOnlyValidation()); err != nil {
		var se *openapi3.SchemaError
		if errors.As(err, &se) {
			return errors.New(se.Reason)
		}
		return err
	}
	return nil
}

// The shortcut must never change an answer: it exists for Losant's IDs and
// accepts exactly what the schema validator accepts, with the same error
// for anything else.
func FuzzCheckPathParamMatchesSchemaValidator(f *testing.F) {
	for _, v := range []string{
		"575ec8687ae143cd83dc4a97", "575EC8687AE143CD83DC4A97", "575ec8687ae143cd83dc4a9", "575ec8687ae143cd83dc4a977",
		"../me", "", "575ec8687ae143cd83dc4a97\n", "\n575ec8687ae143cd83dc4a97", "５75ec8687ae143cd83dc4a9",
		"575ec8687ae143cd83dc4a9\u0660", strings.Repeat("a", 48), "575ec8687ae143cd83dc4a97?x",
	} {
		f.Add(v)
	}
	op, err := Op("getApplicationJobLog")
	if err != nil {
		f.Fatal(err)
	}
	if len(op.patterns) != 2 {
		f.Fatalf("compiled patterns for %d path parameters, want 2 (applicationId and jobId)", len(op.patterns))
	}
	f.Fuzz(func(t *testing.T, value string) {
		for _, name := range []string{"applicationId", "jobId"} {
			got, want := op.CheckPathParam(name, value), visitJSON(op, name, value)
			if (got == nil) != (want == nil) || (got != nil && got.Error() != want.Error()) {
				t.Fatalf("CheckPathParam(%s, %q) = %v, the schema validator says %v", name, value, got, want)
			}
		}
	})
}

// A schema with more rules than a pattern gets no shortcut.
func TestOnlyStringPattern(t *testing.T) {
	str := func(mod func(*openapi3.Schema)) *openapi3.Schema {
		s := openapi3.NewStringSchema()
		s.Pattern = `^[a-f\d]{24}$`
		mod(s)
		return s
	}
	max := uint64(24)
	for name, tt := range map[string]struct {
		s    *openapi3.Schema
		want bool
	}{
		"pattern only": {str(func(*openapi3.Schema) {}), true},
		"no pattern":   {str(func(s *openapi3.Schema) { s.Pattern = "" }), false},
		"max length":   {str(func(s *openapi3.Schema) { s.MaxLength = &max }), false},
		"min length":   {str(func(s *openapi3.Schema) { s.MinLength = 1 }), false},
		"format":       {str(func(s *openapi3.Schema) { s.Format = "uuid" }), false},
		"enum":         {str(func(s *openapi3.Schema) { s.Enum = []any{"x"} }), false},
		"not":          {str(func(s *openapi3.Schema) { s.Not = openapi3.NewSchemaRef("", openapi3.NewStringSchema()) }), false},
		"any of": {str(func(s *openapi3.Schema) {
			s.AnyOf = openapi3.SchemaRefs{openapi3.NewSchemaRef("", openapi3.NewStringSchema())}
		}), false},
		"not a string":  {str(func(s *openapi3.Schema) { s.Type = &openapi3.Types{openapi3.TypeInteger} }), false},
		"string or int": {str(func(s *openapi3.Schema) { s.Type = &openapi3.Types{openapi3.TypeString, openapi3.TypeInteger} }), false},
	} {
		if got := onlyStringPattern(tt.s); got != tt.want {
			t.Errorf("%s: onlyStringPattern = %v, want %v", name, got, tt.want)
		}
	}
}
