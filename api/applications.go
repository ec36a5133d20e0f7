package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/losant-go/losant-go/generated"
	"github.com/losant-go/losant-go/internal/spec"
)

// Applications live beside job logs in the Store. An application is stored
// explicitly (PutApplication, PutApplicationJSON, the "applications" of a
// data file) or exists implicitly because it has job logs; an implicit one
// is served as {"id", "applicationId", "name"} with the name "Application
// <id>".

// PutApplication stores app, replacing any application with the same id.
// It fails, storing nothing, if app has no id, has an applicationId other
// than its id, or breaks openapi.yaml's Application schema.
func (s *Store) PutApplication(app generated.Application) error {
	data, err := json.Marshal(app)
	if err != nil {
		return fmt.Errorf("api: encoding the application: %w", err)
	}
	return s.PutApplicationJSON(data)
}

// PutApplicationJSON stores an application given as one JSON object,
// replacing any with the same id, and keeps every field of it, including
// fields openapi.yaml does not list. A missing applicationId is set to the
// id, as Losant answers both. It fails, storing nothing, if data is not one
// JSON object, has no id, has an applicationId other than its id, or
// breaks the Application schema.
func (s *Store) PutApplicationJSON(data []byte) error {
	id, raw, err := checkApplication(data)
	if err != nil {
		return fmt.Errorf("api: application%s: %w", idSuffix(data), err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.applications[id] = raw
	return nil
}

// Application returns the application with the given id, stored or
// implicit (it has job logs), and whether there is one.
func (s *Store) Application(id string) (generated.Application, bool) {
	raw, ok := s.applicationRaw(id)
	if !ok {
		return generated.Application{}, false
	}
	var app generated.Application
	if err := json.Unmarshal(raw, &app); err != nil {
		panic("api: a stored application no longer decodes: " + err.Error())
	}
	return app, true
}

// applicationRaw returns the JSON of the application id: as stored, or
// made up for an application that only has job logs.
func (s *Store) applicationRaw(id string) ([]byte, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.applicationRawLocked(id)
}

func (s *Store) applicationRawLocked(id string) ([]byte, bool) {
	if raw, ok := s.applications[id]; ok {
		return raw, true
	}
	if a := s.apps[id]; a != nil && len(a.recs) > 0 {
		raw, err := json.Marshal(map[string]string{"id": id, "applicationId": id, "name": "Application " + id})
		return raw, err == nil
	}
	return nil, false
}

// hasApplication reports whether the application exists, stored or
// implicit.
func (s *Store) hasApplication(id string) bool {
	_, ok := s.applicationRaw(id)
	return ok
}

// applicationLogs returns the JSON of every job log of an application, in
// the order they were first stored, leaving out the job log skip.
func (s *Store) applicationLogs(appID, skip string) [][]byte {
	s.mu.RLock()
	defer s.mu.RUnlock()
	a := s.apps[appID]
	if a == nil {
		return nil
	}
	out := make([][]byte, 0, len(a.recs))
	for _, r := range a.recs {
		if r.id != skip {
			out = append(out, r.raw)
		}
	}
	return out
}

// checkApplication checks one application's JSON against openapi.yaml and
// returns its id and compacted bytes (with applicationId set).
func checkApplication(data []byte) (string, []byte, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return "", nil, fmt.Errorf("not JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return "", nil, errors.New("not JSON: more data after the application object")
	}
	schema, err := applicationSchema()
	if err != nil {
		return "", nil, err
	}
	if err := schema.VisitJSON(v, openapi3.DisableSchemaErrorDetails()); err != nil {
		return "", nil, schemaProblem(err)
	}
	var app generated.Application
	if err := json.Unmarshal(data, &app); err != nil {
		return "", nil, fmt.Errorf("does not decode as an application: %w", err)
	}
	switch {
	case app.ID == nil:
		return "", nil, errors.New("has no id")
	case app.ApplicationID != nil && *app.ApplicationID != *app.ID:
		return "", nil, fmt.Errorf("applicationId %s differs from id %s", *app.ApplicationID, *app.ID)
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, data); err != nil {
		return "", nil, fmt.Errorf("not JSON: %w", err)
	}
	raw := buf.Bytes()
	if app.ApplicationID == nil {
		if raw, err = setFields(raw, map[string]any{"applicationId": *app.ID}); err != nil {
			return "", nil, err
		}
	}
	return *app.ID, raw, nil
}

// setFields returns the JSON object raw with the given fields set (a nil
// value removes the field), keeping every other field's bytes. Fields
// come out in sorted order, as encoding/json writes a map.
func setFields(raw []byte, set map[string]any) ([]byte, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, err
	}
	for k, v := range set {
		if v == nil {
			delete(fields, k)
			continue
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		fields[k] = b
	}
	return json.Marshal(fields)
}

// applicationSchema is openapi.yaml's Application schema.
var applicationSchema = sync.OnceValues(func() (*openapi3.Schema, error) { return spec.Schema("Application") })
