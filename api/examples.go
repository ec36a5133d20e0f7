package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/losant-go/losant-go/internal/spec"
)

// ExampleStore returns a new Store holding the job logs that openapi.yaml
// gives as examples of the job log operation's response, and the
// applications it gives as examples of the application operation's, so the
// example data is the documented data and nothing is copied into Go. List
// returns the job logs.
//
// The spec's examples may show one job at several moments (in progress,
// then completed) under the same IDs; a Store has one job log per ID, so it
// keeps the moment furthest along, by the order of the status enum
// (queued, inProgress, then the terminal statuses).
func ExampleStore() (*Store, error) {
	mt, err := jobLogContent()
	if err != nil {
		return nil, err
	}
	rank := statusRank(mt.Schema.Value.Properties["status"])
	s := NewStore()
	for _, name := range slices.Sorted(maps.Keys(mt.Examples)) {
		ref := mt.Examples[name]
		if ref == nil || ref.Value == nil {
			continue
		}
		data, err := json.Marshal(ref.Value.Value)
		if err != nil {
			return nil, fmt.Errorf("api: openapi.yaml example %q: %w", name, err)
		}
		k, raw, err := checkJobLog(data)
		if err != nil {
			return nil, fmt.Errorf("api: openapi.yaml example %q: %w", name, err)
		}
		if old, ok := s.logs[k]; ok && rank(old) > rank(raw) {
			continue
		}
		s.set(recordOf(k, raw)) // no lock: the Store is not shared yet
	}
	if len(s.logs) == 0 {
		return nil, errors.New("api: openapi.yaml has no job log examples")
	}
	if err := s.putExampleApplications(); err != nil {
		return nil, err
	}
	return s, nil
}

// opGetApplication is the operationId whose 200 response gives the
// example applications.
const opGetApplication = "getApplication"

// putExampleApplications stores the examples of the application
// operation's 200 response.
func (s *Store) putExampleApplications() error {
	op, err := spec.Op(opGetApplication)
	if err != nil {
		return err
	}
	mt, err := op.ResponseContent(http.StatusOK)
	if err != nil {
		return err
	}
	for _, name := range slices.Sorted(maps.Keys(mt.Examples)) {
		ref := mt.Examples[name]
		if ref == nil || ref.Value == nil {
			continue
		}
		data, err := json.Marshal(ref.Value.Value)
		if err == nil {
			err = s.PutApplicationJSON(data)
		}
		if err != nil {
			return fmt.Errorf("api: openapi.yaml example application %q: %w", name, err)
		}
	}
	return nil
}

// statusRank returns a function giving a stored job log's status's position
// in the status schema's enum (-1 for none).
func statusRank(status *openapi3.SchemaRef) func([]byte) int {
	var enum []any
	if status != nil && status.Value != nil {
		enum = status.Value.Enum
	}
	return func(raw []byte) int {
		log := decodeJobLog(raw)
		if log.Status == nil {
			return -1
		}
		return slices.Index(enum, any(string(*log.Status)))
	}
}
