package api

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
)

// This file lists an application's job logs for the list endpoint,
// GET /applications/{applicationId}/jobLogs: filtered by an advanced query
// (query.go), sorted, and one page of them.
//
// To answer in a few milliseconds over 100,000 job logs, the Store keeps,
// beside each job log's bytes, a logRecord of the fields a query or a sort
// can name, extracted once when the job log is stored, and groups the
// records by application (appIndex). Each application's records sorted by
// each sort field are cached until the application's job logs next change,
// so a list is one pass over a sorted slice: test each record against the
// query, count it, and keep it when it falls on the requested page.

// Defaults of the list endpoint's parameters, as Losant documents them.
const (
	defaultListSortField = fieldRunQueuedAt
	defaultListPerPage   = 100
)

// listParams is a validated list request; newListParams makes one.
type listParams struct {
	// sortField is the field to sort by, one below numSortFields.
	sortField logField
	// desc sorts in descending order.
	desc bool
	// page is the page wanted, from 0; perPage (1 or more) the job logs on
	// each page.
	page, perPage int
	// query filters the job logs; nil keeps them all.
	query *jobLogQuery
}

// newListParams validates the list endpoint's parameters as received:
// sortField is name, status, resourceType, runQueuedAt, runStartedAt or
// runCompletedAt ("" is runQueuedAt); sortDirection is asc or desc, in
// lower or upper case ("" is asc); page is 0 or more; perPage is 1 or more
// (when the request has none, pass defaultListPerPage); query is the JSON
// text of an advanced query ("" for none). Every problem is a
// *listParamError.
func newListParams(sortField, sortDirection string, page, perPage int, query string) (listParams, error) {
	p := listParams{sortField: defaultListSortField, page: page, perPage: perPage}
	if sortField != "" {
		f, ok := fieldByName(sortField)
		if !ok || f >= numSortFields {
			return p, &listParamError{Param: "sortField", Problem: "want name, status, resourceType, runQueuedAt, runStartedAt or runCompletedAt, got " + quote(sortField)}
		}
		p.sortField = f
	}
	switch sortDirection {
	case "", "asc", "ASC":
	case "desc", "DESC":
		p.desc = true
	default:
		return p, &listParamError{Param: "sortDirection", Problem: "want asc or desc, got " + quote(sortDirection)}
	}
	if err := p.check(); err != nil {
		return p, err
	}
	q, err := parseQuery([]byte(query))
	if err != nil {
		return p, err
	}
	p.query = q
	return p, nil
}

// check checks the numbers and the sort field of p.
func (p listParams) check() error {
	switch {
	case p.sortField >= numSortFields:
		return &listParamError{Param: "sortField", Problem: "cannot sort by " + p.sortField.String()}
	case p.page < 0:
		return &listParamError{Param: "page", Problem: "want 0 or more, got " + strconv.Itoa(p.page)}
	case p.perPage < 1:
		return &listParamError{Param: "perPage", Problem: "want 1 or more, got " + strconv.Itoa(p.perPage)}
	}
	return nil
}

// list returns one page of the job logs of application appID that match
// p.query, sorted by p.sortField in p's direction, and how many match in
// all. appKnown reports whether the application has any job logs at all,
// matching or not (the handler answers 404 when it has none). err is a
// *listParamError when p is invalid (newListParams makes only valid ones).
//
// items are the stored bytes of the job logs; callers must not modify them.
// A page past the last gives no items, with the right total.
//
// Sorting follows MongoDB's: job logs without the sort field come first in
// ascending order and last in descending order; strings compare by bytes,
// timestamps as instants. Job logs that tie on the sort field (including
// all of those without it) are always in ascending order of id, in either
// direction, so that consecutive pages neither repeat nor skip a job log
// while the data does not change. (Ids are compared as stored; Losant's are
// lower-case, for which that is the ObjectId order.)
func (s *Store) list(appID string, p listParams) (items [][]byte, total int, appKnown bool, err error) {
	if err := p.check(); err != nil {
		return nil, 0, false, err
	}
	s.mu.RLock()
	if s.indexed != len(s.logs) {
		s.mu.RUnlock()
		s.reindex()
		s.mu.RLock()
	}
	defer s.mu.RUnlock()
	a := s.apps[appID]
	if a == nil || len(a.recs) == 0 {
		return [][]byte{}, 0, false, nil
	}
	o := a.sortedBy(p.sortField)
	order := o.recs

	start := math.MaxInt // the first match on the page, counted from 0
	if p.page <= math.MaxInt/p.perPage {
		start = p.page * p.perPage
	}
	items = make([][]byte, 0, max(0, min(p.perPage, len(order)-start)))
	visit := func(r *logRecord) {
		if !p.query.matches(r) {
			return
		}
		if total >= start && total-start < p.perPage {
			items = append(items, r.raw)
		}
		total++
	}
	if !p.desc {
		for _, r := range order {
			visit(r)
		}
		return items, total, true, nil
	}
	// Descending: the groups of equal sort values from the last, each
	// group still in ascending order of id.
	for end := len(order); end > 0; {
		first := end - 1
		for first > 0 && !o.newValue[first] {
			first--
		}
		for _, r := range order[first:end] {
			visit(r)
		}
		end = first
	}
	return items, total, true, nil
}

// logRecord is a stored job log: its bytes, and the fields a query or a
// sort can name, extracted once when it is stored. It never changes;
// storing a job log again makes a new one.
type logRecord struct {
	raw     []byte // as stored: compacted JSON
	app, id string // its key in the Store
	present uint8  // bit f set when the job log has field f (logField)
	// text is each present field's string, as stored (id is the Store's
	// key).
	text [numFields]string
	// oid is id and resourceId decoded (for ID comparisons), in that
	// order.
	oid [2]objectID
	// at is runQueuedAt, runStartedAt and runCompletedAt parsed.
	at [3]instant
	// idKey is the first 24 bytes of id (all of a Losant ID), big-endian,
	// zero-padded: comparing idKeys orders ids as strings.Compare does,
	// except that ids longer than 24 bytes may tie.
	idKey [3]uint64
}

// has reports whether the job log has field f.
func (r *logRecord) has(f logField) bool { return r.present&(1<<f) != 0 }

// key is the job log's key in the Store.
func (r *logRecord) key() logKey { return logKey{r.app, r.id} }

// newLogRecord extracts the record of the job log stored under k as raw,
// whose JSON object, decoded (with UseNumber or without), is obj. Fields
// are read by their exact names, as MongoDB does; a field whose value is
// not a string, a resourceId that is not an ID and a timestamp Go cannot
// parse count as missing (the schema check lets none of them through).
func newLogRecord(k logKey, raw []byte, obj map[string]any) *logRecord {
	r := &logRecord{raw: raw, app: k.app, id: k.id}
	r.present |= 1 << fieldID
	r.text[fieldID] = k.id
	r.oid[0], _ = parseObjectID(k.id)
	var id [24]byte
	copy(id[:], k.id)
	for i := range r.idKey {
		r.idKey[i] = binary.BigEndian.Uint64(id[8*i:])
	}
	for f := range fieldID {
		s, ok := obj[fieldNames[f]].(string)
		if !ok {
			continue
		}
		if f.isTime() {
			t, ok := parseTimestamp(s)
			if !ok {
				continue
			}
			r.at[f-fieldRunQueuedAt] = instantOf(t)
		}
		r.present |= 1 << f
		r.text[f] = s
	}
	if s, ok := obj[fieldNames[fieldResourceID]].(string); ok {
		if id, ok := parseObjectID(s); ok {
			r.present |= 1 << fieldResourceID
			r.text[fieldResourceID], r.oid[1] = s, id
		}
	}
	return r
}

// recordOf extracts the record of a job log already stored under k as raw.
func recordOf(k logKey, raw []byte) *logRecord {
	var obj map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	_ = dec.Decode(&obj) // stored bytes are a JSON object
	return newLogRecord(k, raw, obj)
}

// appIndex is the records of one application's job logs. Only the Store
// changes it, holding its lock for writing; list reads it holding the lock
// for reading.
type appIndex struct {
	recs []*logRecord   // in the order first stored
	pos  map[string]int // id -> index in recs
	// sorted caches the order of recs by each sort field: nil until a list
	// needs it, and dropped by every change. Lists build it holding only
	// the Store's read lock, hence atomic (two lists may build the same
	// one; either result is right).
	sorted [numSortFields]atomic.Pointer[sortOrder]
}

// sortOrder is an application's records sorted ascending by one field,
// ties by id.
type sortOrder struct {
	recs []*logRecord
	// newValue[i] reports whether recs[i]'s sort value differs from
	// recs[i-1]'s (true for i = 0): it marks where each group of ties
	// starts, for descending order.
	newValue []bool
}

// newAppIndex returns an empty appIndex.
func newAppIndex() *appIndex { return &appIndex{pos: make(map[string]int)} }

// put adds rec, or replaces the record with its id, and reports whether it
// was added.
func (a *appIndex) put(rec *logRecord) (added bool) {
	for i := range a.sorted {
		a.sorted[i].Store(nil)
	}
	if i, ok := a.pos[rec.id]; ok {
		a.recs[i] = rec
		return false
	}
	a.pos[rec.id] = len(a.recs)
	a.recs = append(a.recs, rec)
	return true
}

// sortEntry is a record with its sort key inline, so that sorting compares
// integers in one slice rather than following pointers to the records.
type sortEntry struct {
	// k1, k2 order by the field: for a timestamp its seconds and
	// nanoseconds, for a string its rank among the application's
	// distinct values of the field and 0; math.MinInt64 and 0 when the
	// job log lacks the field.
	k1, k2 int64
	id     [3]uint64 // the record's idKey
	rec    *logRecord
}

// compareSortEntries orders entries by key, then id.
func compareSortEntries(x, y sortEntry) int {
	if c := cmp.Compare(x.k1, y.k1); c != 0 {
		return c
	}
	if c := cmp.Compare(x.k2, y.k2); c != 0 {
		return c
	}
	for i := range x.id {
		if c := cmp.Compare(x.id[i], y.id[i]); c != 0 {
			return c
		}
	}
	return strings.Compare(x.rec.id, y.rec.id)
}

// sortedBy returns the records sorted ascending by f, ties by id; the
// caller must not modify it.
func (a *appIndex) sortedBy(f logField) *sortOrder {
	if o := a.sorted[f].Load(); o != nil {
		return o
	}
	es := make([]sortEntry, len(a.recs))
	var ranks []int64
	if !f.isTime() {
		ranks = stringRanks(a.recs, f)
	}
	for i, r := range a.recs {
		e := sortEntry{k1: math.MinInt64, id: r.idKey, rec: r}
		switch {
		case !r.has(f):
		case f.isTime():
			t := r.at[f-fieldRunQueuedAt]
			e.k1, e.k2 = t.sec, int64(t.nsec)
		default:
			e.k1 = ranks[i]
		}
		es[i] = e
	}
	slices.SortFunc(es, compareSortEntries)
	o := &sortOrder{recs: make([]*logRecord, len(es)), newValue: make([]bool, len(es))}
	for i, e := range es {
		o.recs[i] = e.rec
		o.newValue[i] = i == 0 || e.k1 != es[i-1].k1 || e.k2 != es[i-1].k2
	}
	a.sorted[f].Store(o)
	return o
}

// stringRanks returns, for each record, the rank of its value of the
// string field f among the distinct values the records have (0 for the
// least, by bytes), or math.MinInt64 for a record without f.
func stringRanks(recs []*logRecord, f logField) []int64 {
	which := make(map[string]int) // value -> index in values
	var values []string
	idx := make([]int64, len(recs))
	for i, r := range recs {
		if !r.has(f) {
			idx[i] = -1
			continue
		}
		s := r.text[f]
		j, ok := which[s]
		if !ok {
			j = len(values)
			which[s] = j
			values = append(values, s)
		}
		idx[i] = int64(j)
	}
	byValue := make([]int, len(values)) // value indices, sorted by value
	for j := range byValue {
		byValue[j] = j
	}
	slices.SortFunc(byValue, func(x, y int) int { return strings.Compare(values[x], values[y]) })
	rank := make([]int64, len(values))
	for r, j := range byValue {
		rank[j] = int64(r)
	}
	for i, j := range idx {
		if j < 0 {
			idx[i] = math.MinInt64
		} else {
			idx[i] = rank[j]
		}
	}
	return idx
}

// set stores rec: its bytes in s.logs, its record in s.apps. The caller
// holds s.mu for writing. Every write to a Store goes through set, so that
// the index follows the job logs.
func (s *Store) set(rec *logRecord) {
	k := rec.key()
	s.logs[k] = rec.raw
	a := s.apps[k.app]
	if a == nil {
		a = newAppIndex()
		s.apps[k.app] = a
	}
	if a.put(rec) {
		s.indexed++
	}
}

// reindex rebuilds the index from s.logs if it does not hold as many
// records as there are job logs: when job logs were written to s.logs
// without set, as ExampleStore does before the Store is shared.
func (s *Store) reindex() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.indexed == len(s.logs) {
		return
	}
	s.apps, s.indexed = make(map[string]*appIndex), 0
	for k, raw := range s.logs {
		a := s.apps[k.app]
		if a == nil {
			a = newAppIndex()
			s.apps[k.app] = a
		}
		a.put(recordOf(k, raw))
		s.indexed++
	}
}
