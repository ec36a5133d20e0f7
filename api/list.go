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

	losant "github.com/losant-go/losant-go"
)

// This file lists an application's job logs for the list endpoint,
// GET /applications/{applicationId}/jobLogs: filtered by an advanced query
// (query.go), sorted, and one page of them.
//
// To answer in milliseconds over 100,000 job logs, the Store keeps, beside
// each job log's bytes, a logRecord of the fields a query or a sort can
// name, extracted once when the job log is stored, and groups the records
// by application (appIndex). For each application it caches the order of
// its records by each sort field until its job logs next change, so a list
// is two passes: the query over the records in the order they are kept
// (which is close to their order in memory), then over the cached sort
// order, counting the matches and keeping those on the requested page.

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
			var names []string
			for _, v := range losant.ApplicationJobLogSortFieldValues() {
				names = append(names, string(v))
			}
			return p, &listParamError{Param: "sortField", Problem: "want one of " + strings.Join(names, ", ") + ", got " + quote(sortField)}
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
	defer s.mu.RUnlock()
	a := s.apps[appID]
	if a == nil || len(a.recs) == 0 {
		return [][]byte{}, 0, false, nil
	}
	order := a.sortedBy(p.sortField)
	var match []bool // by position in a.recs; nil: every job log matches
	if p.query != nil && p.query.match != nil {
		match = make([]bool, len(a.recs))
		for i, r := range a.recs {
			match[i] = p.query.match(r)
		}
	}

	start := math.MaxInt // the first match on the page, counted from 0
	if p.page <= math.MaxInt/p.perPage {
		start = p.page * p.perPage
	}
	items = make([][]byte, 0, max(0, min(p.perPage, len(a.recs)-start)))
	visit := func(pos []int32) {
		for _, i := range pos {
			if match != nil && !match[i] {
				continue
			}
			if total >= start && total-start < p.perPage {
				items = append(items, a.recs[i].raw)
			}
			total++
		}
	}
	if !p.desc {
		visit(order.pos)
		return items, total, true, nil
	}
	// Descending: the groups of equal sort values from the last, each
	// group still in ascending order of id.
	for end := len(order.pos); end > 0; {
		first := end - 1
		for first > 0 && !order.newValue[first] {
			first--
		}
		visit(order.pos[first:end])
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
	// idKey is the first 24 bytes of id (all of a Losant ID) as three
	// big-endian integers, zero-padded: comparing idKeys orders ids as
	// strings.Compare does, except that ids which differ only past 24
	// bytes or in trailing NUL bytes tie (idOrder then compares the ids).
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
	// byID caches the positions in recs in ascending order of id: nil
	// until a list needs it, and dropped when a job log is added (not when
	// one is replaced, which keeps its id and position).
	byID atomic.Pointer[[]int32]
	// sorted caches the order of recs by each sort field: nil until a list
	// needs it, and dropped by every change.
	//
	// Lists build these caches holding only the Store's read lock, hence
	// atomic: two lists may build the same one, and either result is
	// right.
	sorted [numSortFields]atomic.Pointer[sortOrder]
}

// sortOrder is an application's records sorted ascending by one field,
// ties by id.
type sortOrder struct {
	pos []int32 // positions in appIndex.recs, in order
	// newValue[i] reports whether the record at pos[i] has another sort
	// value than the one at pos[i-1] (true for i = 0): it marks where each
	// group of ties starts, for descending order.
	newValue []bool
}

// newAppIndex returns an empty appIndex.
func newAppIndex() *appIndex { return &appIndex{pos: make(map[string]int)} }

// put adds rec, or replaces the record with its id.
func (a *appIndex) put(rec *logRecord) {
	for i := range a.sorted {
		a.sorted[i].Store(nil)
	}
	if i, ok := a.pos[rec.id]; ok {
		a.recs[i] = rec
		return
	}
	a.byID.Store(nil)
	a.pos[rec.id] = len(a.recs)
	a.recs = append(a.recs, rec)
}

// idOrder returns the positions of the records in ascending order of id
// (by bytes, as strings.Compare); the caller must not modify it.
func (a *appIndex) idOrder() []int32 {
	if p := a.byID.Load(); p != nil {
		return *p
	}
	type entry struct {
		key [3]uint64 // the record's idKey
		pos int32
	}
	es := make([]entry, len(a.recs))
	for i, r := range a.recs {
		es[i] = entry{r.idKey, int32(i)}
	}
	slices.SortFunc(es, func(x, y entry) int {
		for i := range x.key {
			if c := cmp.Compare(x.key[i], y.key[i]); c != 0 {
				return c
			}
		}
		return strings.Compare(a.recs[x.pos].id, a.recs[y.pos].id) // ids past 24 bytes
	})
	order := make([]int32, len(es))
	for i, e := range es {
		order[i] = e.pos
	}
	a.byID.Store(&order)
	return order
}

// sortedBy returns the records' order by f, ties by id; the caller must
// not modify it.
//
// Both sorts start from the records in id order and keep it among ties: a
// string field is sorted by counting (its distinct values are usually few:
// statuses, resource types, job names), a timestamp by comparing integers
// (seconds, nanoseconds, rank by id), never by following pointers.
func (a *appIndex) sortedBy(f logField) *sortOrder {
	if o := a.sorted[f].Load(); o != nil {
		return o
	}
	ids := a.idOrder()
	o := &sortOrder{pos: make([]int32, len(ids)), newValue: make([]bool, len(ids))}
	if f.isTime() {
		type entry struct {
			sec  int64 // math.MinInt64 for a job log without f
			nsec int32
			rank int32 // in ids
		}
		es := make([]entry, len(ids))
		for rank, i := range ids {
			e := entry{sec: math.MinInt64, rank: int32(rank)}
			if r := a.recs[i]; r.has(f) {
				t := r.at[f-fieldRunQueuedAt]
				e.sec, e.nsec = t.sec, t.nsec
			}
			es[rank] = e
		}
		slices.SortFunc(es, func(x, y entry) int {
			if x.sec != y.sec {
				return cmp.Compare(x.sec, y.sec)
			}
			if x.nsec != y.nsec {
				return cmp.Compare(x.nsec, y.nsec)
			}
			return cmp.Compare(x.rank, y.rank)
		})
		for j, e := range es {
			o.pos[j] = ids[e.rank]
			o.newValue[j] = j == 0 || e.sec != es[j-1].sec || e.nsec != es[j-1].nsec
		}
	} else {
		// Counting sort: bucket 0 holds the job logs without f, bucket
		// k+1 those whose value has rank k.
		ranks, n := stringRanks(a.recs, f)
		next := make([]int, n+2) // where each bucket's next record goes, from next[b+1]'s count
		for _, i := range ids {
			next[ranks[i]+2]++
		}
		for b := 1; b < len(next); b++ {
			next[b] += next[b-1]
		}
		for _, i := range ids {
			b := ranks[i] + 1
			o.pos[next[b]] = i
			next[b]++
		}
		for j, i := range o.pos {
			o.newValue[j] = j == 0 || ranks[i] != ranks[o.pos[j-1]]
		}
	}
	a.sorted[f].Store(o)
	return o
}

// stringRanks returns, for each record, the rank of its value of the
// string field f among the n distinct values the records have (0 for the
// least, by bytes), or -1 for a record without f.
func stringRanks(recs []*logRecord, f logField) (ranks []int32, n int) {
	which := make(map[string]int32) // value -> index in values
	var values []string
	ranks = make([]int32, len(recs))
	for i, r := range recs {
		if !r.has(f) {
			ranks[i] = -1
			continue
		}
		s := r.text[f]
		j, ok := which[s]
		if !ok {
			j = int32(len(values))
			which[s] = j
			values = append(values, s)
		}
		ranks[i] = j
	}
	byValue := make([]int32, len(values)) // value indices, sorted by value
	for j := range byValue {
		byValue[j] = int32(j)
	}
	slices.SortFunc(byValue, func(x, y int32) int { return strings.Compare(values[x], values[y]) })
	rank := make([]int32, len(values))
	for r, j := range byValue {
		rank[j] = int32(r)
	}
	for i, j := range ranks {
		if j >= 0 {
			ranks[i] = rank[j]
		}
	}
	return ranks, len(values)
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
	a.put(rec)
}
