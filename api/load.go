package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	losant "github.com/losant-go/losant-go"
	"io"
	"math"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/losant-go/losant-go/internal/spec"
)

// opGetJobLog is the operationId in openapi.yaml whose 200 response gives
// the job log schema and the example job logs.
const opGetJobLog = "getApplicationJobLog"

// LoadFile returns a Store holding the applications and job logs in the
// named file, which is either
//
//	[ job log, ... ]                                        job logs only
//	{"applications": [ application, ... ], "jobLogs": [ job log, ... ]}
//
// (either key of the object may be left out). Each job log has an id and
// an applicationId and is valid against openapi.yaml's ApplicationJobLog
// schema; each application has an id and is valid against its Application
// schema. An application with job logs exists whether or not it is listed.
// Fields the schemas do not list are kept and served. Any problem (the file
// cannot be read, is not JSON, is neither form; an entry breaks its schema,
// lacks an ID or repeats another's IDs) is a *LoadError naming the file,
// the entry and the first problem, and no Store is returned.
func LoadFile(path string) (*Store, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &LoadError{Path: path, Index: -1, Err: err}
	}
	s := NewStore()
	if err := s.load(path, data); err != nil {
		return nil, err
	}
	return s, nil
}

// LoadError is a problem with a job log data file. Its message is one line:
//
//	api: data.json: entry [2] (id 575ec76c7ae143cd83dc4a96): at /status: value is not one of the allowed values [...]
type LoadError struct {
	// Path is the file as given to LoadFile.
	Path string
	// List is "applications" or "jobLogs" for an entry of the object form,
	// and empty for the array form or the file as a whole.
	List string
	// Index is the entry's position in its array, from 0, or -1 when the
	// problem is with the file as a whole.
	Index int
	// ID is the entry's id, when it has one that is a string.
	ID string
	// Err is the problem.
	Err error
}

// Error names the file, the entry (and its id) and the first problem.
func (e *LoadError) Error() string {
	var b strings.Builder
	b.WriteString("api: " + e.Path + ": ")
	if e.Index >= 0 {
		if e.List != "" {
			fmt.Fprintf(&b, "%s[%d]", e.List, e.Index)
		} else {
			fmt.Fprintf(&b, "entry [%d]", e.Index)
		}
		if e.ID != "" {
			fmt.Fprintf(&b, " (id %s)", e.ID)
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the underlying problem.
func (e *LoadError) Unwrap() error { return e.Err }

// wantForms says what a data file may hold, for messages.
const wantForms = `want a JSON array of job logs or an object {"applications": [...], "jobLogs": [...]}`

// load adds the applications and job logs of a file's contents, all or
// none.
func (s *Store) load(path string, data []byte) error {
	var apps, logs []json.RawMessage
	list := "" // the array form
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) > 0 && t[0] == '{' {
		var file struct {
			Applications []json.RawMessage `json:"applications"`
			JobLogs      []json.RawMessage `json:"jobLogs"`
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&file); err != nil {
			return &LoadError{Path: path, Index: -1, Err: notAnObject(data, err)}
		}
		if _, err := dec.Token(); err != io.EOF {
			return &LoadError{Path: path, Index: -1, Err: errors.New("not JSON: more data after the object")}
		}
		apps, logs, list = file.Applications, file.JobLogs, "jobLogs"
	} else {
		if err := json.Unmarshal(data, &logs); err != nil {
			return &LoadError{Path: path, Index: -1, Err: notAnArray(data, err)}
		}
		if logs == nil {
			return &LoadError{Path: path, Index: -1, Err: errors.New("the file holds null; " + wantForms)}
		}
	}
	fail := func(list string, i int, entry []byte, err error) error {
		return &LoadError{Path: path, List: list, Index: i, ID: entryID(entry), Err: err}
	}
	appRaws := make(map[string][]byte, len(apps))
	appFirst := make(map[string]int, len(apps))
	for i, entry := range apps {
		id, raw, err := checkApplication(entry)
		if err != nil {
			return fail("applications", i, entry, err)
		}
		if j, dup := appFirst[id]; dup {
			return fail("applications", i, entry, fmt.Errorf("applications[%d] has the same id", j))
		}
		appFirst[id], appRaws[id] = i, raw
	}
	recs, errs := checkEntries(logs)
	first := make(map[logKey]int, len(logs))
	for i, entry := range logs {
		if errs[i] != nil {
			return fail(list, i, entry, errs[i])
		}
		k := recs[i].key()
		if j, dup := first[k]; dup {
			same := fmt.Sprintf("entry [%d]", j)
			if list != "" {
				same = fmt.Sprintf("%s[%d]", list, j)
			}
			return fail(list, i, entry, fmt.Errorf("%s has the same applicationId and id", same))
		}
		first[k] = i
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, raw := range appRaws {
		s.applications[id] = raw
	}
	for _, rec := range recs {
		s.set(rec)
	}
	return nil
}

// notAnObject explains why data, which starts like an object, is not the
// object form of a data file.
func notAnObject(data []byte, err error) error {
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		return fmt.Errorf("%s holds a JSON %s; want an array", typ.Field, typ.Value)
	}
	if field, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return fmt.Errorf("the file holds a JSON object with the key %s, which is neither \"applications\" nor \"jobLogs\"; %s", field, wantForms)
	}
	return notAnArray(data, err)
}

// checkEntries runs checkRecord on every entry, on up to GOMAXPROCS
// goroutines (the schema check is most of the time of loading a large
// file), and returns each entry's record or error. Entries are taken in
// order, and once one fails those after it are skipped (their record and
// error both nil): every entry before the first failure is checked, which
// is all load needs to report the same first problem as a check in order.
func checkEntries(entries []json.RawMessage) ([]*logRecord, []error) {
	recs, errs := make([]*logRecord, len(entries)), make([]error, len(entries))
	const perWorker = 32 // fewer entries than this per goroutine are not worth one
	workers := min(runtime.GOMAXPROCS(0), (len(entries)+perWorker-1)/perWorker)
	var next atomic.Int64   // the next entry to check
	var failed atomic.Int64 // the first entry known to fail
	failed.Store(math.MaxInt64)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(len(entries)) || i > failed.Load() {
					return
				}
				recs[i], errs[i] = checkRecord(entries[i])
				for errs[i] != nil {
					f := failed.Load()
					if i >= f || failed.CompareAndSwap(f, i) {
						break
					}
				}
			}
		})
	}
	wg.Wait()
	return recs, errs
}

// notAnArray explains why data is not a JSON array, with a line and column
// for a syntax error.
func notAnArray(data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case len(bytes.TrimSpace(data)) == 0:
		return errors.New("the file is empty; " + wantForms)
	case errors.As(err, &syn) && len(data) > 0 && syn.Offset >= int64(len(data)):
		return errors.New("not JSON: the file ends before its JSON value does")
	case errors.As(err, &syn):
		line, col := lineCol(data, syn.Offset)
		return fmt.Errorf("not JSON: %v (line %d, column %d)", syn, line, col)
	case errors.As(err, &typ):
		return fmt.Errorf("the file holds a JSON %s; %s", typ.Value, wantForms)
	}
	return fmt.Errorf("not JSON: %w", err)
}

// lineCol turns a byte offset into a 1-based line and column: encoding/json
// reports only the offset, and people edit seed files by line.
func lineCol(data []byte, offset int64) (line, col int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(offset) - (bytes.LastIndexByte(before, '\n') + 1)
	return line, col
}

// entryID returns an entry's id for messages, if it is a string.
func entryID(entry []byte) string {
	var v struct {
		ID any `json:"id"`
	}
	if json.Unmarshal(entry, &v) != nil {
		return ""
	}
	id, _ := v.ID.(string)
	if len(id) > 40 {
		id = id[:40] + "..."
	}
	return id
}

func idSuffix(data []byte) string {
	if id := entryID(data); id != "" {
		return " (id " + id + ")"
	}
	return ""
}

// checkJobLog checks one job log's JSON against openapi.yaml and returns its
// key and compacted bytes. The first problem found is the error.
func checkJobLog(data []byte) (logKey, []byte, error) {
	rec, err := checkRecord(data)
	if err != nil {
		return logKey{}, nil, err
	}
	return rec.key(), rec.raw, nil
}

// checkRecord is checkJobLog returning the job log's record for the Store
// (list.go): its key, compacted bytes and queryable fields.
func checkRecord(data []byte) (*logRecord, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // validate the numbers as written, not as rounded
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("not JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("not JSON: more data after the job log object")
	}
	schema, err := jobLogSchema()
	if err != nil {
		return nil, err
	}
	if err := schema.VisitJSON(v, openapi3.DisableSchemaErrorDetails()); err != nil {
		return nil, schemaProblem(err)
	}
	// The schema passes some values Go cannot hold, such as a leap second
	// in a date-time; the SDK must decode whatever the server answers.
	var log losant.ApplicationJobLog
	if err := json.Unmarshal(data, &log); err != nil {
		return nil, fmt.Errorf("does not decode as a job log: %w", err)
	}
	switch {
	case log.ID == nil:
		return nil, errors.New("has no id")
	case log.ApplicationID == nil:
		return nil, errors.New("has no applicationId")
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, data); err != nil {
		return nil, fmt.Errorf("not JSON: %w", err)
	}
	obj, _ := v.(map[string]any) // the schema wants an object
	return newLogRecord(logKey{*log.ApplicationID, *log.ID}, buf.Bytes(), obj), nil
}

// schemaProblem says where in the job log which rule broke, in one line.
func schemaProblem(err error) error {
	var se *openapi3.SchemaError
	if !errors.As(err, &se) {
		return err
	}
	ptr := se.JSONPointer()
	for i, p := range ptr {
		ptr[i] = strings.NewReplacer("~", "~0", "/", "~1").Replace(p)
	}
	reason := se.Reason
	if reason == "" {
		reason = firstLine(se.Error())
	}
	if o := se.Origin; o != nil && !strings.Contains(reason, o.Error()) {
		reason += ": " + o.Error()
	}
	return fmt.Errorf("at /%s: %s", strings.Join(ptr, "/"), reason)
}

// jobLogSchema is the schema of the job log operation's 200 response:
// ApplicationJobLog.
var jobLogSchema = sync.OnceValues(func() (*openapi3.Schema, error) {
	mt, err := jobLogContent()
	if err != nil {
		return nil, err
	}
	return mt.Schema.Value, nil
})

func jobLogContent() (*openapi3.MediaType, error) {
	op, err := spec.Op(opGetJobLog)
	if err != nil {
		return nil, err
	}
	return op.ResponseContent(http.StatusOK)
}
