package api

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	losant "github.com/losant-go/losant-go"
	"slices"
	"sync"
	"time"
)

// Store holds applications and their job logs in memory, job logs keyed by
// applicationId and id. It is safe
// for concurrent use: a test can change it while a handler serves it.
//
// Each job log is kept as the JSON it was given (compacted), after checking
// it against openapi.yaml's ApplicationJobLog schema. The handler answers
// those bytes as they are, so numbers keep their exact digits, timestamps
// their format, and fields the schema does not list (which it allows) are
// served too. Get and List decode into the generated types, which have no
// place for such fields.
//
// Beside the bytes, the Store keeps an index of the fields the list
// endpoint filters and sorts by (list.go). Write job logs only through set,
// which keeps both.
type Store struct {
	mu      sync.RWMutex
	logs    map[logKey][]byte
	running map[logKey]bool // jobs a simulation is advancing

	apps map[string]*appIndex // the records of logs, by applicationId

	// applications holds the applications stored explicitly, as JSON by
	// id (applications.go). An application with job logs exists too.
	applications map[string][]byte
}

type logKey struct{ app, id string }

// NewStore returns an empty Store.
func NewStore() *Store {
	return &Store{
		logs:         make(map[logKey][]byte),
		running:      make(map[logKey]bool),
		apps:         make(map[string]*appIndex),
		applications: make(map[string][]byte),
	}
}

// Put stores log, replacing any job log with the same applicationId and id.
// It fails, storing nothing, if log lacks either ID or breaks openapi.yaml's
// ApplicationJobLog schema. log may equally be a losant.ApplicationJobLog,
// which is the same type.
func (s *Store) Put(log losant.ApplicationJobLog) error {
	data, err := encodeJobLog(log)
	if err != nil {
		return fmt.Errorf("api: encoding the job log: %w", err)
	}
	return s.PutJSON(data)
}

// timestampLayout is how Losant writes a timestamp: UTC, milliseconds
// always three digits.
const timestampLayout = "2006-01-02T15:04:05.000Z07:00"

// encodeJobLog is the JSON of a job log as Losant writes it. encoding/json
// writes a time.Time with the fraction's trailing zeros cut
// ("04:00:01.15Z"); Losant always sends three digits ("04:00:01.150Z").
func encodeJobLog(log losant.ApplicationJobLog) ([]byte, error) {
	data, err := json.Marshal(log)
	if err != nil {
		return nil, err
	}
	stamps := map[string]any{}
	for name, t := range map[string]*time.Time{
		"runQueuedAt": log.RunQueuedAt, "runStartedAt": log.RunStartedAt, "runCompletedAt": log.RunCompletedAt,
	} {
		if t != nil {
			stamps[name] = t.UTC().Format(timestampLayout)
		}
	}
	if len(stamps) == 0 {
		return data, nil
	}
	return setFields(data, stamps)
}

// PutJSON stores a job log given as one JSON object, replacing any with the
// same applicationId and id, and keeps every field of it, including fields
// openapi.yaml does not list. It fails, storing nothing, if data is not one
// JSON object, lacks either ID or breaks the ApplicationJobLog schema.
func (s *Store) PutJSON(data []byte) error {
	rec, err := checkRecord(data)
	if err != nil {
		return fmt.Errorf("api: job log%s: %w", idSuffix(data), err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.set(rec)
	return nil
}

// Get returns the job log with the given IDs, and whether there is one.
func (s *Store) Get(applicationID, jobID string) (losant.ApplicationJobLog, bool) {
	raw, ok := s.raw(applicationID, jobID)
	if !ok {
		return losant.ApplicationJobLog{}, false
	}
	return decodeJobLog(raw), true
}

// List returns every job log, ordered by applicationId, then id.
func (s *Store) List() []losant.ApplicationJobLog {
	s.mu.RLock()
	keys := make([]logKey, 0, len(s.logs))
	raws := make(map[logKey][]byte, len(s.logs))
	for k, raw := range s.logs {
		keys = append(keys, k)
		raws[k] = raw
	}
	s.mu.RUnlock()
	slices.SortFunc(keys, func(a, b logKey) int { return cmp.Or(cmp.Compare(a.app, b.app), cmp.Compare(a.id, b.id)) })
	out := make([]losant.ApplicationJobLog, len(keys))
	for i, k := range keys {
		out[i] = decodeJobLog(raws[k])
	}
	return out
}

// raw returns the stored JSON of a job log. Callers must not modify it.
func (s *Store) raw(applicationID, jobID string) ([]byte, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	raw, ok := s.logs[logKey{applicationID, jobID}]
	return raw, ok
}

// decodeJobLog decodes JSON that checkJobLog accepted, which includes
// decoding it into this very type.
func decodeJobLog(raw []byte) losant.ApplicationJobLog {
	var log losant.ApplicationJobLog
	if err := json.Unmarshal(raw, &log); err != nil {
		panic("api: a stored job log no longer decodes: " + err.Error())
	}
	return log
}

var errIDsChanged = errors.New("a job log's applicationId and id cannot change")

// modify applies fn to the job log k (a zero one, if there is none) and
// stores the result, valid or not at all. Only the fields fn changed are
// re-encoded; the others, and fields the generated type does not know,
// keep the bytes they had. (A JSON merge-patch library could apply the
// change, but it would need the same before/after diff to build the patch,
// which is the whole of the work here.)
func (s *Store) modify(k logKey, fn func(log *losant.ApplicationJobLog, exists bool)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	raw, exists := s.logs[k]
	fields := map[string]json.RawMessage{}
	var log losant.ApplicationJobLog
	if exists {
		if err := json.Unmarshal(raw, &fields); err != nil {
			return err
		}
		log = decodeJobLog(raw)
	}
	before, err := encodeFields(log)
	if err != nil {
		return err
	}
	fn(&log, exists)
	after, err := encodeFields(log)
	if err != nil {
		return err
	}
	for name := range before {
		if _, ok := after[name]; !ok {
			delete(fields, name)
		}
	}
	for name, v := range after {
		if !bytes.Equal(before[name], v) {
			fields[name] = v
		}
	}
	next, err := json.Marshal(fields)
	if err != nil {
		return err
	}
	rec, err := checkRecord(next)
	if err != nil {
		return fmt.Errorf("api: job log%s: %w", idSuffix(next), err)
	}
	if rec.key() != k {
		return errIDsChanged
	}
	s.set(rec)
	return nil
}

// encodeFields returns the JSON of each field log sets.
func encodeFields(log losant.ApplicationJobLog) (map[string]json.RawMessage, error) {
	data, err := encodeJobLog(log)
	if err != nil {
		return nil, err
	}
	var fields map[string]json.RawMessage
	err = json.Unmarshal(data, &fields)
	return fields, err
}
