package api

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/losant-go/losant-go/internal/ops"
)

// This file parses the list endpoint's advanced query (the query parameter
// of GET /applications/{applicationId}/jobLogs) into a jobLogQuery that
// matches the pre-extracted fields of a stored job log (logRecord, in
// list.go).
//
// # The language
//
// A query is a JSON object. Its keys are ANDed: $and, $or and $nor hold
// arrays of sub-queries (an empty array has the logical identities:
// {"$and": []} and {"$nor": []} match every job log, {"$or": []} none); a
// field holds a bare value, meaning $eq, or an object of operators, all
// ANDed (an empty one constrains nothing).
//
// What a query may say (fields, operators per field, the values each
// takes, how many items, how deep $and/$or/$nor nest) is openapi.yaml's
// ApplicationJobLogQuery with its x-losant extensions, and nothing here
// repeats it: parseQuery first checks the text with internal/ops.CheckJSON,
// the function the SDK checks a query with before sending it, so a query
// one accepts the other accepts. Anything it refuses (an unknown field or
// operator, a value of the wrong type or not in an enum, a duplicated key,
// too many items, too deep a nesting) is a *listParamError naming where in
// the query the problem is. Compiling then trusts that check.
//
// # What matches
//
// The semantics are MongoDB's, which Losant's queries follow, with the
// values cast to the field's type as Mongoose casts them:
//
//   - Missing versus null: a job log without a field matches $eq null (and a
//     bare null) and $nin; one with the field matches $ne null. $ne and $nin
//     match job logs without the field ($ne x is exactly "not $eq x").
//     $gt, $lt, $gte, $lte, $in, $startsWith, $endsWith and $contains never
//     match a job log without the field, and $gt, $lt, $gte and $lte with
//     null match nothing.
//   - ID fields compare IDs as the 12-byte values they spell, so the case of
//     the hexadecimal digits does not matter, and $gt and friends order IDs
//     as MongoDB orders ObjectIds.
//   - String fields compare by bytes (UTF-8 code unit order, MongoDB's
//     default "simple" collation). A number or boolean value is compared
//     as the string JavaScript's String() makes of it: 5 as "5", 1e21 as
//     "1e+21", true as "true".
//   - Timestamp fields compare as instants. A value may be an RFC 3339
//     date-time (with any fraction of a second, any offset), a date alone
//     (2025-06-10, midnight UTC, as JavaScript reads it), or a number of
//     milliseconds since the Unix epoch (a fraction is dropped, as
//     JavaScript's Date does). Any other value (a boolean, another string)
//     is a validation error. Two timestamps written differently but naming
//     the same instant are equal.
//   - $startsWith, $endsWith and $contains test for a literal substring
//     (not a regular expression) of the value as stored; on a timestamp
//     field, of the timestamp's text as it appears in the job log, such as
//     {"runQueuedAt": {"$startsWith": "2025-06"}}.
//   - $ci makes every string comparison of its condition ignore case:
//     $eq, $ne, $in, $nin, $gt, $lt, $gte, $lte, $startsWith, $endsWith and
//     $contains on a string field, and the three substring operators on a
//     timestamp field (timestamps otherwise compare as instants). Case is
//     ignored with Unicode simple case folding, as strings.EqualFold does;
//     ordering with $ci compares each character's fold (foldRune).
//   - A job log's fields are read as written, with exact (case-sensitive)
//     key names, as MongoDB reads a document. A stored timestamp Go cannot
//     parse counts as missing (the Store accepts none).

// querySchema is the component schema of the query parameter.
const querySchema = "ApplicationJobLogQuery"

// listParamError is a problem with a parameter of a list request: the query
// (a syntax error, an unknown field or operator, a value of the wrong type,
// a limit exceeded), or sortField, sortDirection, page or perPage. The
// handler answers it 400 with Losant's Validation error and Error() as the
// message, which is one line:
//
//	query: $or[1].status: unknown operator "$regex"
//	query: resourceId.$in[2]: "12ab" is not an ID (want 24 hexadecimal digits)
//	sortDirection: want asc or desc, got "up"
type listParamError struct {
	// Param is the request parameter: query, sortField, sortDirection,
	// page or perPage.
	Param string
	// Path locates the problem inside the query, in JavaScript notation
	// ($or[1].status.$in[2]); empty for the parameter as a whole.
	Path string
	// Problem says what is wrong.
	Problem string
}

// Error is Param, Path and Problem, separated by ": ".
func (e *listParamError) Error() string {
	if e.Path == "" {
		return e.Param + ": " + e.Problem
	}
	return e.Param + ": " + e.Path + ": " + e.Problem
}

// queryErr returns a *listParamError of the query parameter.
func queryErr(path, format string, args ...any) error {
	return &listParamError{Param: "query", Path: path, Problem: fmt.Sprintf(format, args...)}
}

// logField is a job log field a query can name (and, for some, a list can
// sort by). The sortable fields come first, so that a logField below
// numSortFields indexes a per-field array of sort orders.
type logField uint8

const (
	fieldName logField = iota
	fieldStatus
	fieldResourceType
	fieldRunQueuedAt
	fieldRunStartedAt
	fieldRunCompletedAt
	fieldID
	fieldResourceID

	// numSortFields is how many fields a list can sort by: those before it.
	numSortFields = fieldID
	// numFields is how many fields a query can name.
	numFields = fieldResourceID + 1
)

// fieldNames are the JSON names of the fields, indexed by logField.
var fieldNames = [numFields]string{
	fieldName:           "name",
	fieldStatus:         "status",
	fieldResourceType:   "resourceType",
	fieldRunQueuedAt:    "runQueuedAt",
	fieldRunStartedAt:   "runStartedAt",
	fieldRunCompletedAt: "runCompletedAt",
	fieldID:             "id",
	fieldResourceID:     "resourceId",
}

// fieldByName finds a field by its JSON name (case-sensitive).
func fieldByName(name string) (logField, bool) {
	i := slices.Index(fieldNames[:], name)
	return logField(i), i >= 0
}

// isTime reports whether f is one of the three timestamps.
func (f logField) isTime() bool { return f >= fieldRunQueuedAt && f <= fieldRunCompletedAt }

// isID reports whether f is id or resourceId.
func (f logField) isID() bool { return f == fieldID || f == fieldResourceID }

// String returns the field's JSON name.
func (f logField) String() string { return fieldNames[f] }

// jobLogQuery is a parsed, validated advanced query. A nil *jobLogQuery,
// or one parsed from empty text or {}, matches every job log.
type jobLogQuery struct {
	match matchFunc // nil: every job log
}

// matches reports whether the job log r satisfies the query.
func (q *jobLogQuery) matches(r *logRecord) bool {
	return q == nil || q.match == nil || q.match(r)
}

// matchFunc is a compiled (sub-)query or condition.
type matchFunc func(r *logRecord) bool

// parseQuery validates (with ops.CheckJSON) and compiles the JSON text of
// an advanced query. Empty text (or only white space) is no filter at all.
// Every problem is a *listParamError.
func parseQuery(text []byte) (*jobLogQuery, error) {
	if len(bytes.TrimSpace(text)) == 0 {
		return &jobLogQuery{}, nil
	}
	if err := ops.CheckJSON(querySchema, text); err != nil {
		var pe *ops.PathError
		if errors.As(err, &pe) {
			return nil, &listParamError{Param: "query", Path: pe.Path, Problem: pe.Problem}
		}
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber() // numbers as written
	root, err := readJSON(dec)
	if err != nil {
		return nil, err
	}
	m, err := compileQuery(root, "")
	if err != nil {
		return nil, err
	}
	return &jobLogQuery{match: m}, nil
}

// jsonKind is the type of a JSON value.
type jsonKind uint8

const (
	jsonNull jsonKind = iota
	jsonBool
	jsonNumber
	jsonString
	jsonArray
	jsonObject
)

// jsonNode is a JSON value that keeps an object's keys in order, repeats
// included, so that a repeated key can be refused (encoding/json's maps
// would silently keep the last).
type jsonNode struct {
	kind  jsonKind
	b     bool       // jsonBool
	s     string     // jsonString, or jsonNumber's text
	items []jsonNode // jsonArray
	keys  []string   // jsonObject
	vals  []jsonNode // jsonObject, matching keys
}

// describe names the node's type for messages: "a string", "null".
func (n jsonNode) describe() string {
	return [...]string{"null", "a boolean", "a number", "a string", "an array", "an object"}[n.kind]
}

// readJSON reads one JSON value from dec, which must use UseNumber. The
// text has passed ops.CheckJSON, which bounds its depth.
func readJSON(dec *json.Decoder) (jsonNode, error) {
	tok, err := dec.Token()
	if err != nil {
		return jsonNode{}, notJSON(err)
	}
	switch t := tok.(type) {
	case nil:
		return jsonNode{kind: jsonNull}, nil
	case bool:
		return jsonNode{kind: jsonBool, b: t}, nil
	case json.Number:
		return jsonNode{kind: jsonNumber, s: t.String()}, nil
	case string:
		return jsonNode{kind: jsonString, s: t}, nil
	case json.Delim:
		if t == '[' {
			n := jsonNode{kind: jsonArray, items: []jsonNode{}}
			for dec.More() {
				item, err := readJSON(dec)
				if err != nil {
					return jsonNode{}, err
				}
				n.items = append(n.items, item)
			}
			_, err := dec.Token() // ]
			return n, notJSON(err)
		}
		n := jsonNode{kind: jsonObject}
		for dec.More() {
			key, err := dec.Token()
			if err != nil {
				return jsonNode{}, notJSON(err)
			}
			val, err := readJSON(dec)
			if err != nil {
				return jsonNode{}, err
			}
			n.keys, n.vals = append(n.keys, key.(string)), append(n.vals, val)
		}
		_, err := dec.Token() // }
		return n, notJSON(err)
	}
	return jsonNode{}, queryErr("", "not JSON: unexpected %v", tok)
}

// notJSON words a json.Decoder error as a query error; nil stays nil.
func notJSON(err error) error {
	var syn *json.SyntaxError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return queryErr("", "not JSON: the text ends before the JSON does")
	case errors.As(err, &syn):
		return queryErr("", "not JSON: %v (at byte %d)", syn, syn.Offset)
	}
	return queryErr("", "not JSON: %v", err)
}

// childPath appends a key to a path: "" and "$or" give "$or", "$or[1]" and
// "status" give "$or[1].status".
func childPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// indexPath appends an array index to a path.
func indexPath(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// quote quotes a string from the query for a message, shortened to keep
// the message short (and, by %q's escapes, on one line).
func quote(s string) string {
	const max = 40
	if utf8.RuneCountInString(s) > max {
		r := []rune(s)
		return strconv.Quote(string(r[:max])) + "..."
	}
	return strconv.Quote(s)
}

// compileQuery compiles a query object found at path. A nil matchFunc
// matches everything.
func compileQuery(n jsonNode, path string) (matchFunc, error) {
	if n.kind != jsonObject {
		return nil, unchecked(path, n)
	}
	var all []matchFunc
	for i, key := range n.keys {
		val := n.vals[i]
		var m matchFunc
		var err error
		switch key {
		case "$and", "$or", "$nor":
			m, err = compileLogical(key, val, childPath(path, key))
		default:
			f, ok := fieldByName(key)
			if !ok {
				return nil, unchecked(childPath(path, key), val)
			}
			m, err = compileCondition(f, val, childPath(path, key))
		}
		if err != nil {
			return nil, err
		}
		if m != nil {
			all = append(all, m)
		}
	}
	return and(all), nil
}

// unchecked is the error for a value ops.CheckJSON should have refused:
// a bug, reported rather than matched wrongly.
func unchecked(path string, n jsonNode) error {
	return queryErr(path, "internal error: %s passed the check but cannot be compiled", n.describe())
}

// compileLogical compiles the array of sub-queries of $and, $or or $nor.
func compileLogical(op string, n jsonNode, path string) (matchFunc, error) {
	if n.kind != jsonArray {
		return nil, unchecked(path, n)
	}
	subs := make([]matchFunc, len(n.items))
	for i, item := range n.items {
		m, err := compileQuery(item, indexPath(path, i))
		if err != nil {
			return nil, err
		}
		if m == nil {
			m = matchAll
		}
		subs[i] = m
	}
	switch op {
	case "$and":
		return and(subs), nil
	case "$or":
		return or(subs), nil
	}
	// $nor
	o := or(subs)
	return func(r *logRecord) bool { return !o(r) }, nil
}

// matchAll matches every job log.
func matchAll(*logRecord) bool { return true }

// matchNone matches no job log.
func matchNone(*logRecord) bool { return false }

// and is the conjunction of ms: nil (everything) when there are none.
func and(ms []matchFunc) matchFunc {
	switch len(ms) {
	case 0:
		return nil
	case 1:
		return ms[0]
	case 2:
		a, b := ms[0], ms[1]
		return func(r *logRecord) bool { return a(r) && b(r) }
	}
	return func(r *logRecord) bool {
		for _, m := range ms {
			if !m(r) {
				return false
			}
		}
		return true
	}
}

// or is the disjunction of ms: matchNone when there are none.
func or(ms []matchFunc) matchFunc {
	switch len(ms) {
	case 0:
		return matchNone
	case 1:
		return ms[0]
	}
	return func(r *logRecord) bool {
		for _, m := range ms {
			if m(r) {
				return true
			}
		}
		return false
	}
}

// The operators of a condition.
const (
	opEq         = "$eq"
	opNe         = "$ne"
	opGt         = "$gt"
	opLt         = "$lt"
	opGte        = "$gte"
	opLte        = "$lte"
	opIn         = "$in"
	opNin        = "$nin"
	opStartsWith = "$startsWith"
	opEndsWith   = "$endsWith"
	opContains   = "$contains"
	opCI         = "$ci"
)

// compileCondition compiles the condition on field f found at path: a
// bare value (equality) or an object of operators.
func compileCondition(f logField, n jsonNode, path string) (matchFunc, error) {
	switch n.kind {
	case jsonArray:
		return nil, unchecked(path, n)
	case jsonObject:
	default:
		return compileOperator(f, opEq, n, path, false)
	}
	ci := false
	for i, op := range n.keys {
		if op == opCI {
			ci = n.vals[i].b
		}
	}
	var all []matchFunc
	for i, op := range n.keys {
		if op == opCI {
			continue
		}
		m, err := compileOperator(f, op, n.vals[i], childPath(path, op), ci)
		if err != nil {
			return nil, err
		}
		all = append(all, m)
	}
	return and(all), nil
}

// compileOperator compiles one operator of a condition on f; path locates
// its value, n. ci is the condition's $ci.
func compileOperator(f logField, op string, n jsonNode, path string, ci bool) (matchFunc, error) {
	switch op {
	case opIn, opNin:
		m, err := compileIn(f, n, path, ci)
		if err != nil || op == opIn {
			return m, err
		}
		return func(r *logRecord) bool { return !m(r) }, nil
	case opStartsWith, opEndsWith, opContains:
		if n.kind != jsonString {
			return nil, unchecked(path, n)
		}
		return substring(f, op, n.s, ci), nil
	}
	// $eq, $ne and the ranges.
	if n.kind == jsonNull {
		switch op {
		case opEq:
			return func(r *logRecord) bool { return !r.has(f) }, nil
		case opNe:
			return func(r *logRecord) bool { return r.has(f) }, nil
		}
		return matchNone, nil // nothing is greater or less than null
	}
	cmp, err := comparer(f, n, path, ci)
	if err != nil {
		return nil, err
	}
	var test func(c int) bool
	switch op {
	default:
		return nil, unchecked(path, n)
	case opEq:
		test = func(c int) bool { return c == 0 }
	case opNe:
		return func(r *logRecord) bool { return !r.has(f) || cmp(r) != 0 }, nil
	case opGt:
		test = func(c int) bool { return c > 0 }
	case opLt:
		test = func(c int) bool { return c < 0 }
	case opGte:
		test = func(c int) bool { return c >= 0 }
	case opLte:
		test = func(c int) bool { return c <= 0 }
	}
	return func(r *logRecord) bool { return r.has(f) && test(cmp(r)) }, nil
}

// comparer returns a function comparing the value of f in a job log that
// has it with the query's non-null value n: negative when the job log's is
// less, 0 when equal, positive when greater.
func comparer(f logField, n jsonNode, path string, ci bool) (func(r *logRecord) int, error) {
	switch {
	case f.isID():
		id, err := idOperand(n, path)
		if err != nil {
			return nil, err
		}
		i := f - fieldID
		return func(r *logRecord) int { return bytes.Compare(r.oid[i][:], id[:]) }, nil
	case f.isTime():
		t, err := timeOperand(n, path)
		if err != nil {
			return nil, err
		}
		i := f - fieldRunQueuedAt
		return func(r *logRecord) int { return r.at[i].compare(t) }, nil
	}
	s, err := stringOperand(n, path)
	if err != nil {
		return nil, err
	}
	if ci {
		s = foldString(s)
		return func(r *logRecord) int { return foldCompare(r.text[f], s) }, nil
	}
	return func(r *logRecord) int { return strings.Compare(r.text[f], s) }, nil
}

// compileIn compiles $in: the job log has f and its value is one of the
// array n's. ($nin is its negation, so it matches a job log without f.)
func compileIn(f logField, n jsonNode, path string, ci bool) (matchFunc, error) {
	if n.kind != jsonArray {
		return nil, unchecked(path, n)
	}
	switch {
	case f.isID():
		set := make(map[objectID]bool, len(n.items))
		for i, item := range n.items {
			id, err := idOperand(item, indexPath(path, i))
			if err != nil {
				return nil, err
			}
			set[id] = true
		}
		i := f - fieldID
		return func(r *logRecord) bool { return r.has(f) && set[r.oid[i]] }, nil
	case f.isTime():
		set := make(map[instant]bool, len(n.items))
		for i, item := range n.items {
			t, err := timeOperand(item, indexPath(path, i))
			if err != nil {
				return nil, err
			}
			set[t] = true
		}
		i := f - fieldRunQueuedAt
		return func(r *logRecord) bool { return r.has(f) && set[r.at[i]] }, nil
	}
	strs := make([]string, len(n.items))
	for i, item := range n.items {
		s, err := stringOperand(item, indexPath(path, i))
		if err != nil {
			return nil, err
		}
		strs[i] = s
	}
	if ci {
		return func(r *logRecord) bool {
			if !r.has(f) {
				return false
			}
			v := r.text[f]
			for _, s := range strs {
				if strings.EqualFold(v, s) {
					return true
				}
			}
			return false
		}, nil
	}
	set := make(map[string]bool, len(strs))
	for _, s := range strs {
		set[s] = true
	}
	return func(r *logRecord) bool { return r.has(f) && set[r.text[f]] }, nil
}

// substring compiles $startsWith, $endsWith or $contains with the
// non-empty string s: a literal test on the field's text as stored.
func substring(f logField, op, s string, ci bool) matchFunc {
	var test func(v string) bool
	switch {
	case ci && op == opStartsWith:
		s = foldString(s)
		test = func(v string) bool { return foldHasPrefix(v, s) }
	case ci && op == opEndsWith:
		s = foldString(s)
		test = func(v string) bool { return foldHasSuffix(v, s) }
	case ci:
		s = foldString(s)
		test = func(v string) bool { return foldContains(v, s) }
	case op == opStartsWith:
		test = func(v string) bool { return strings.HasPrefix(v, s) }
	case op == opEndsWith:
		test = func(v string) bool { return strings.HasSuffix(v, s) }
	default:
		test = func(v string) bool { return strings.Contains(v, s) }
	}
	return func(r *logRecord) bool { return r.has(f) && test(r.text[f]) }
}

// objectID is the 12-byte value of a Losant ID (a MongoDB ObjectId),
// spelled as 24 hexadecimal digits.
type objectID [12]byte

// parseObjectID decodes 24 hexadecimal digits, of either case.
func parseObjectID(s string) (objectID, bool) {
	var id objectID
	if len(s) != 2*len(id) {
		return id, false
	}
	_, err := hex.Decode(id[:], []byte(s))
	return id, err == nil
}

// idOperand reads an ID field's (non-null) value.
func idOperand(n jsonNode, path string) (objectID, error) {
	if n.kind != jsonString {
		return objectID{}, queryErr(path, "want an ID (24 hexadecimal digits), got %s", n.describe())
	}
	id, ok := parseObjectID(n.s)
	if !ok {
		return objectID{}, queryErr(path, "%s is not an ID (want 24 hexadecimal digits)", quote(n.s))
	}
	return id, nil
}

// stringOperand reads a string field's (non-null) value: a string as it
// is; a number or boolean as JavaScript's String() writes it.
func stringOperand(n jsonNode, path string) (string, error) {
	switch n.kind {
	case jsonString:
		return n.s, nil
	case jsonBool:
		return strconv.FormatBool(n.b), nil
	case jsonNumber:
		f, err := strconv.ParseFloat(n.s, 64)
		if err != nil {
			return "", queryErr(path, "number %s is out of range", n.s)
		}
		return jsNumberString(f), nil
	}
	return "", queryErr(path, "want a string, number or boolean, got %s", n.describe())
}

// jsNumberString formats a finite float64 as JavaScript's String(number)
// does: integers up to 1e21 without exponent, others with the fewest
// digits that read back exactly, and exponents from 1e21 or below 1e-6
// written as 1e+21, 1.5e-7.
func jsNumberString(f float64) string {
	if f == 0 {
		return "0" // also -0
	}
	if a := math.Abs(f); a >= 1e-6 && a < 1e21 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	s := strconv.FormatFloat(f, 'e', -1, 64) // 1e+21, 1.5e-07
	mant, exp, _ := strings.Cut(s, "e")
	sign, digits := exp[:1], strings.TrimLeft(exp[1:], "0")
	return mant + "e" + sign + digits
}

// instant is a point in time, to the nanosecond, comparable with ==, over
// the whole range of RFC 3339 (years 0000 to 9999), which int64
// nanoseconds since the epoch does not cover.
type instant struct {
	sec  int64 // since the Unix epoch
	nsec int32 // [0, 1e9)
}

// instantOf returns t's instant.
func instantOf(t time.Time) instant { return instant{t.Unix(), int32(t.Nanosecond())} }

// compare orders instants.
func (a instant) compare(b instant) int {
	switch {
	case a.sec != b.sec:
		if a.sec < b.sec {
			return -1
		}
		return 1
	case a.nsec < b.nsec:
		return -1
	case a.nsec > b.nsec:
		return 1
	}
	return 0
}

// timeOperand reads a timestamp field's (non-null) value: an RFC 3339
// date-time, a date alone (midnight UTC), or epoch milliseconds. The
// spec's QueryTime (checked by ops.CheckJSON) bounds the milliseconds to
// a JavaScript Date's range, 100 million days either side of the epoch.
func timeOperand(n jsonNode, path string) (instant, error) {
	switch n.kind {
	case jsonNumber:
		f, err := strconv.ParseFloat(n.s, 64)
		if err != nil {
			return instant{}, unchecked(path, n)
		}
		ms := int64(f) // toward zero, as JavaScript's Date does
		sec, rem := ms/1000, ms%1000
		if rem < 0 {
			sec, rem = sec-1, rem+1000
		}
		return instant{sec, int32(rem * 1e6)}, nil
	case jsonString:
		if t, ok := ops.ParseTime(n.s); ok {
			return instantOf(t), nil
		}
	}
	return instant{}, unchecked(path, n)
}

// parseTimestamp parses an RFC 3339 date-time, as stored job logs hold them.
func parseTimestamp(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

// foldRune returns the canonical case fold of r: the smallest rune of its
// Unicode simple-folding orbit, so that foldRune(a) == foldRune(b) exactly
// when strings.EqualFold sees a and b as equal. For ASCII letters it is the
// upper case.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'a' <= r && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}
	m := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		m = min(m, f)
	}
	return m
}

// foldString maps every rune of s through foldRune.
func foldString(s string) string { return strings.Map(foldRune, s) }

// foldCompare compares a and b rune by rune, by their folds: 0 exactly when
// strings.EqualFold(a, b).
func foldCompare(a, b string) int {
	for a != "" && b != "" {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		if fa, fb := foldRune(ra), foldRune(rb); fa != fb {
			if fa < fb {
				return -1
			}
			return 1
		}
		a, b = a[na:], b[nb:]
	}
	switch {
	case a != "":
		return 1
	case b != "":
		return -1
	}
	return 0
}

// foldHasPrefix reports whether s begins with prefix, ignoring case; prefix
// must already be folded (foldString).
func foldHasPrefix(s, prefix string) bool {
	for _, p := range prefix {
		if s == "" {
			return false
		}
		r, n := utf8.DecodeRuneInString(s)
		if foldRune(r) != p {
			return false
		}
		s = s[n:]
	}
	return true
}

// foldHasSuffix reports whether s ends with suffix, ignoring case; suffix
// must already be folded.
func foldHasSuffix(s, suffix string) bool {
	for suffix != "" {
		if s == "" {
			return false
		}
		p, pn := utf8.DecodeLastRuneInString(suffix)
		r, n := utf8.DecodeLastRuneInString(s)
		if foldRune(r) != p {
			return false
		}
		s, suffix = s[:len(s)-n], suffix[:len(suffix)-pn]
	}
	return true
}

// foldContains reports whether s contains sub, ignoring case; sub must
// already be folded.
func foldContains(s, sub string) bool {
	for i := 0; i < len(s); {
		if foldHasPrefix(s[i:], sub) {
			return true
		}
		_, n := utf8.DecodeRuneInString(s[i:])
		i += n
	}
	return false
}
