package losant

// Benchmarks of the SDK against the hand-written floor (issue 5). Every
// scenario has an impl=sdk and an impl=floor sub-benchmark with otherwise
// identical names, run in the same process against the same loopback
// server, so that bench/run.sh can compare them with benchstat -col /impl.
//
// The floor is what a careful Go programmer writes by hand: one reused
// http.Client whose transport keeps as many idle connections per host as
// the SDK's (so the comparison is about the SDK, not about Go's default of
// 2), a GET with the same headers, and encoding/json decoding into the same
// ApplicationJobLog struct.
//
// Nothing here asserts a duration. Every benchmark also runs once under
// -race in the README test command (-benchtime=1x), so setup is kept small.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

const (
	benchAppID = "575ec8687ae143cd83dc4a97"
	benchJobID = "575ec76c7ae143cd83dc4a96"
	benchToken = "bench-token"
	// benchConc is the goroutine count of the conc=16 scenarios.
	benchConc = 16
)

// benchBodies are the job logs the benchmarks serve and decode.
var benchBodies = sync.OnceValues(func() (map[string][]byte, error) {
	full, err := os.ReadFile("testdata/joblog-full.json")
	if err != nil {
		return nil, err
	}
	var small bytes.Buffer
	if err := json.Compact(&small, full); err != nil {
		return nil, err
	}
	return map[string][]byte{"small": small.Bytes(), "large": largeJobLog()}, nil
})

// largeJobLog builds a job log of about 1 MB: a finished device import whose
// output holds 6,000 validation errors and 1,000 download URLs, with a few
// escaped characters and exact large numbers, as Losant sends them.
func largeJobLog() []byte {
	var b bytes.Buffer
	b.Grow(1 << 20)
	b.WriteString(`{"id":"575ec76c7ae143cd83dc4a96","jobId":"575ec76c7ae143cd83dc4a90","jobExecutionId":"575ec76c7ae143cd83dc4a91",` +
		`"name":"ImportDevices","applicationId":"575ec8687ae143cd83dc4a97","runQueuedAt":"2025-06-10T04:00:00.000Z",` +
		`"runStartedAt":"2025-06-10T04:00:01.007Z","runCompletedAt":"2025-06-10T06:07:42.123+02:00","status":"completed",` +
		`"requestedById":"575ec8687ae143cd83dc4a9a","requestedByType":"apiToken","ownerType":"application",` +
		`"ownerId":"575ec8687ae143cd83dc4a97","resourceType":"device","resourceId":"575ec8687ae143cd83dc4a9c",` +
		`"progress":{"completed":9007199254740991,"total":9007199254740991,"status":"done"},` +
		`"input":{"start":1749528000123,"end":1749614399999,"fileUrl":"https://files.example.com/in.csv"},` +
		`"output":{"created":1749528000123,"failed":6000,"written":123456789012,"downloadUrls":[`)
	for i := range 1000 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"https://files.example.com/applications/575ec8687ae143cd83dc4a97/archive/2025-06-10/part-%05d.csv.gz"`, i)
	}
	b.WriteString(`],"validationErrors":[`)
	for i := range 6000 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"type":"device","name":"Thermostat %04d","id":"575ec8687ae143cd8%07x",`+
			`"message":"attribute \"temp\" is missing on row %d of the import file"}`, i, i, i+2)
	}
	b.WriteString(`]}}`)
	return b.Bytes()
}

// benchServer serves body, prebuilt, for every request: the server does as
// little as possible so that it is not what the benchmarks measure.
func benchServer(tb testing.TB, body []byte) *httptest.Server {
	tb.Helper()
	length := fmt.Sprint(len(body))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		h := w.Header()
		h["Content-Type"] = []string{"application/json; charset=utf-8"}
		h["Content-Length"] = []string{length}
		_, _ = w.Write(body)
	}))
	tb.Cleanup(srv.Close)
	return srv
}

// benchSDK returns an SDK client for srv with its default HTTP client.
func benchSDK(tb testing.TB, srv *httptest.Server, opts ...Option) *Client {
	tb.Helper()
	c, err := NewClient(append([]Option{WithToken(benchToken), WithBaseURL(srv.URL)}, opts...)...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(c.CloseIdleConnections)
	return c
}

// floorClient is the hand-written floor: a reused http.Client with a tuned
// transport, the same request headers as the SDK, and encoding/json.
type floorClient struct {
	hc        *http.Client
	base      string
	userAgent string
	version   string
}

func newFloorClient(tb testing.TB, srv *httptest.Server) *floorClient {
	tb.Helper()
	t := http.DefaultTransport.(*http.Transport).Clone()
	// As many idle connections as the SDK keeps: a fair floor.
	t.MaxIdleConns = defaultMaxIdleConnsPerHost
	t.MaxIdleConnsPerHost = defaultMaxIdleConnsPerHost
	f := &floorClient{hc: &http.Client{Transport: t}, base: srv.URL, userAgent: sdkUserAgent, version: "^1.30.0"}
	tb.Cleanup(t.CloseIdleConnections)
	return f
}

func (f *floorClient) get(ctx context.Context, applicationID, jobID string) (*ApplicationJobLog, error) {
	url := f.base + "/applications/" + applicationID + "/jobLogs/" + jobID + "?_actions=false&_embedded=true&_links=true"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Accept-Version", f.version)
	req.Header.Set("User-Agent", f.userAgent)
	req.Header.Set("Authorization", "Bearer "+benchToken)
	resp, err := f.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %s", resp.Status)
	}
	var log ApplicationJobLog
	if err := json.NewDecoder(resp.Body).Decode(&log); err != nil {
		return nil, err
	}
	_, _ = io.Copy(io.Discard, resp.Body) // let the connection be reused
	return &log, nil
}

// benchImpl is one way to get a job log: the SDK or the floor.
type benchImpl struct {
	name string
	get  func(ctx context.Context) (*ApplicationJobLog, error)
}

func benchImpls(tb testing.TB, srv *httptest.Server) []benchImpl {
	c, f := benchSDK(tb, srv), newFloorClient(tb, srv)
	// The floor first: benchstat -col /impl compares with the first column.
	return []benchImpl{
		{"floor", func(ctx context.Context) (*ApplicationJobLog, error) {
			return f.get(ctx, benchAppID, benchJobID)
		}},
		{"sdk", func(ctx context.Context) (*ApplicationJobLog, error) {
			return c.ApplicationJobLog.Get(ctx, benchAppID, benchJobID)
		}},
	}
}

// warmUp opens conc connections and runs every code path once, outside
// the timed loop.
func warmUp(b *testing.B, conc int, get func(context.Context) (*ApplicationJobLog, error)) {
	b.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, conc)
	for range conc {
		wg.Go(func() {
			if _, err := get(context.Background()); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
}

// BenchmarkGet measures ApplicationJobLog.Get against the floor, for a
// small (~1.7 KB) and a large (~1 MB) job log, from one goroutine and from
// 16 goroutines sharing one client.
func BenchmarkGet(b *testing.B) {
	bodies, err := benchBodies()
	if err != nil {
		b.Fatal(err)
	}
	for _, size := range []string{"small", "large"} {
		body := bodies[size]
		srv := benchServer(b, body)
		impls := benchImpls(b, srv)
		for _, conc := range []int{1, benchConc} {
			for _, impl := range impls {
				b.Run(fmt.Sprintf("size=%s/conc=%d/impl=%s", size, conc, impl.name), func(b *testing.B) {
					warmUp(b, conc, impl.get)
					b.SetBytes(int64(len(body)))
					b.ReportAllocs()
					ctx := context.Background()
					if conc == 1 {
						for b.Loop() {
							if _, err := impl.get(ctx); err != nil {
								b.Fatal(err)
							}
						}
						return
					}
					// RunParallel starts parallelism*GOMAXPROCS goroutines.
					b.SetParallelism((conc + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
					b.ResetTimer()
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							if _, err := impl.get(ctx); err != nil {
								b.Error(err)
								return
							}
						}
					})
				})
			}
		}
	}
}

// benchDecodeSDK runs the SDK's decode path (content-type check, size cap,
// JSON decoding, trailing-data check) on body, as Get does on a response.
func benchDecodeSDK(c *Client, req *http.Request, body []byte, out any) error {
	resp := &http.Response{
		StatusCode: http.StatusOK, ContentLength: int64(len(body)),
		Header: http.Header{"Content-Type": {"application/json; charset=utf-8"}},
		Body:   io.NopCloser(bytes.NewReader(body)),
	}
	return c.decode(req, resp, out)
}

// BenchmarkDecode measures turning a body's bytes into the model: the SDK's
// decode path against encoding/json.Unmarshal into the same struct. It also
// reports peak-heap/body: the heap the decode of one body needs at most,
// measured with the garbage collector held off for that one decode (so
// nothing it allocates is freed before the end), as a multiple of the body
// size.
func BenchmarkDecode(b *testing.B) {
	bodies, err := benchBodies()
	if err != nil {
		b.Fatal(err)
	}
	c, err := NewClient(WithToken(benchToken))
	if err != nil {
		b.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodGet, "http://127.0.0.1/applications/a/jobLogs/j", nil)
	if err != nil {
		b.Fatal(err)
	}
	impls := []struct {
		name   string
		decode func(body []byte, out *ApplicationJobLog) error
	}{
		{"floor", func(body []byte, out *ApplicationJobLog) error { return json.Unmarshal(body, out) }},
		{"sdk", func(body []byte, out *ApplicationJobLog) error { return benchDecodeSDK(c, req, body, out) }},
	}
	for _, size := range []string{"small", "large"} {
		body := bodies[size]
		for _, impl := range impls {
			b.Run(fmt.Sprintf("size=%s/impl=%s", size, impl.name), func(b *testing.B) {
				b.SetBytes(int64(len(body)))
				b.ReportAllocs()
				for b.Loop() {
					var log ApplicationJobLog
					if err := impl.decode(body, &log); err != nil {
						b.Fatal(err)
					}
				}
				peak := peakHeap(func() {
					var log ApplicationJobLog
					if err := impl.decode(body, &log); err != nil {
						b.Error(err)
					}
					runtime.KeepAlive(&log)
				})
				b.ReportMetric(float64(peak)/float64(len(body)), "peak-heap/body")
			})
		}
	}
}

// peakHeap returns how far the heap grows while fn runs with the garbage
// collector off: everything fn allocates, whether it is still needed at the
// end or not. It is the most heap fn can need, whatever GOGC says.
func peakHeap(fn func()) uint64 {
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	var before, after runtime.MemStats
	// Two collections empty every sync.Pool (its objects survive one, in
	// the victim cache), so that buffers the decode takes from a pool
	// count as the decode's own.
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// jobLogOfSize builds a valid job log of exactly size bytes (at least
// about 1 KiB), as scripts/memory.sh serves them (testdata/memserver): a
// finished device import whose output holds one download URL per KiB (a
// tenth of the body) and validation errors for the rest, padded with
// spaces to the exact size.
func jobLogOfSize(size int) []byte {
	var b bytes.Buffer
	b.Grow(size)
	b.WriteString(`{"id":"575ec76c7ae143cd83dc4a96","jobId":"575ec76c7ae143cd83dc4a90","name":"ImportDevices",` +
		`"applicationId":"575ec8687ae143cd83dc4a97","runQueuedAt":"2025-06-10T04:00:00.000Z",` +
		`"runStartedAt":"2025-06-10T04:00:01.007Z","runCompletedAt":"2025-06-10T06:07:42.123Z","status":"completed",` +
		`"progress":{"completed":9007199254740991,"total":9007199254740991},` +
		`"output":{"created":1749528000123,"failed":6000,"downloadUrls":[`)
	const mid, tail = `],"validationErrors":[`, `]}}`
	end := size - len(mid) - len(tail)
	var item []byte
	for i := range size >> 10 {
		item = fmt.Appendf(item[:0], `"https://files.example.com/applications/575ec8687ae143cd83dc4a97/archive/2025-06-10/part-%07d.csv.gz"`, i)
		if i > 0 {
			item = append([]byte{','}, item...)
		}
		if b.Len()+len(item) > end {
			break
		}
		b.Write(item)
	}
	b.WriteString(mid)
	end += len(mid)
	for i := 0; ; i++ {
		item = fmt.Appendf(item[:0], `{"type":"device","name":"Thermostat %d","id":"575ec8687ae143cd8%07x",`+
			`"message":"attribute \"temp\" is missing on row %d of the import file"}`, i, i&0xfffffff, i+2)
		if i > 0 {
			item = append([]byte{','}, item...)
		}
		if b.Len()+len(item) > end {
			break
		}
		b.Write(item)
	}
	b.WriteString(strings.Repeat(" ", end-b.Len()))
	b.WriteString(tail)
	return b.Bytes()
}

// emptyItemsJobLog builds a valid job log of exactly size bytes whose
// output holds nothing but empty validation errors: the body that costs
// the model the most per byte.
func emptyItemsJobLog(size int) []byte {
	const head, tail = `{"output":{"validationErrors":[{}`, `]}}`
	n := (size - len(head) - len(tail)) / 3
	b := append(make([]byte, 0, size), head...)
	b = append(b, bytes.Repeat([]byte(",{}"), n)...)
	b = append(b, strings.Repeat(" ", size-len(b)-len(tail))...)
	return append(b, tail...)
}

// memorySizes are the body sizes of BenchmarkDecodeMemory, in MiB.
var memorySizes = []int{1, 16, 64}

// BenchmarkDecodeMemory measures the memory a large job log costs: the
// SDK's decode path (as Get runs it) into the typed model, and into the
// raw object GetRaw returns, for bodies of 1, 16 and 64 MiB made of many
// validation errors and download URLs (jobLogOfSize). It reports
//
//   - peak-heap/body: everything the decode of one body allocates, with the
//     collector held off (peakHeap), per body byte: the most heap it can
//     need;
//   - live-heap/body: what the decoded value keeps alive once the
//     collector has run, per body byte: what a caller holds afterwards,
//     and what the collector's pacing (GOGC) multiplies.
//
// The cap is raised above the body so that the 64 MiB body is decoded, not
// refused. Run it with -benchtime=1x: one decode of 64 MiB takes a while.
func BenchmarkDecodeMemory(b *testing.B) {
	req, err := http.NewRequest(http.MethodGet, "http://127.0.0.1/applications/a/jobLogs/j", nil)
	if err != nil {
		b.Fatal(err)
	}
	type shape struct {
		name string
		size int
		make func(size int) []byte
		// refused: the model decode must refuse the body (too many JSON
		// values); what it measures is the memory spent until then.
		refused bool
	}
	var shapes []shape
	for _, mib := range memorySizes {
		shapes = append(shapes, shape{fmt.Sprintf("size=%dMiB", mib), mib << 20, jobLogOfSize, false})
	}
	// The worst case per body byte: nothing but empty validation errors,
	// 3 bytes each in the body and a 32-byte struct each in the model. The
	// value bound refuses it (response.go, valueCounter) as it is read.
	shapes = append(shapes, shape{"size=16MiB/shape=empty-items", 16 << 20, emptyItemsJobLog, true})
	for _, sh := range shapes {
		if underRace() && sh.size > 1<<20 {
			// The README's test command runs every benchmark once under
			// -race, where these bodies would take most of a minute: the
			// 1 MiB one keeps the code from rotting.
			continue
		}
		body := sh.make(sh.size)
		c, err := NewClient(WithToken(benchToken), WithMaxResponseBytes(int64(len(body))))
		if err != nil {
			b.Fatal(err)
		}
		impls := []struct {
			name   string
			decode func() (any, error)
		}{
			{"model", func() (any, error) {
				var log ApplicationJobLog
				return &log, benchDecodeSDK(c, req, body, &log)
			}},
			{"raw", func() (any, error) {
				var raw rawObject
				return &raw, benchDecodeSDK(c, req, body, &raw)
			}},
		}
		for _, impl := range impls {
			b.Run(sh.name+"/out="+impl.name, func(b *testing.B) {
				refused := sh.refused && impl.name == "model"
				check := func(err error) {
					switch {
					case refused && !errors.Is(err, ErrResponseTooLarge):
						b.Fatalf("error %v, want the body refused for too many values", err)
					case !refused && err != nil:
						b.Fatal(err)
					}
				}
				b.SetBytes(int64(len(body)))
				b.ReportAllocs()
				for b.Loop() {
					_, err := impl.decode()
					check(err)
				}
				b.StopTimer()
				peak := peakHeap(func() {
					v, err := impl.decode()
					check(err)
					runtime.KeepAlive(v)
				})
				b.ReportMetric(float64(peak)/float64(len(body)), "peak-heap/body")
				b.ReportMetric(float64(liveHeap(impl.decode))/float64(len(body)), "live-heap/body")
			})
		}
	}
}

// underRace reports whether the test binary was built with -race.
var underRace = sync.OnceValue(func() bool {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "-race" {
				return s.Value == "true"
			}
		}
	}
	return false
})

// liveHeap returns how much heap the value decode returns keeps alive
// after a collection.
func liveHeap(decode func() (any, error)) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	v, _ := decode()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(v)
	if after.HeapAlloc < before.HeapAlloc {
		return 0
	}
	return after.HeapAlloc - before.HeapAlloc
}

// pollServer answers inProgress until every polls-th request, which gets
// completed: a job that completes after polls polls.
func pollServer(tb testing.TB, polls int) *httptest.Server {
	tb.Helper()
	running := []byte(`{"id":"575ec76c7ae143cd83dc4a96","applicationId":"575ec8687ae143cd83dc4a97","status":"inProgress","progress":{"completed":12,"total":100}}`)
	done := []byte(`{"id":"575ec76c7ae143cd83dc4a96","applicationId":"575ec8687ae143cd83dc4a97","status":"completed","progress":{"completed":100,"total":100}}`)
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		body := running
		if n.Add(1)%int64(polls) == 0 {
			body = done
		}
		w.Header()["Content-Type"] = []string{"application/json"}
		_, _ = w.Write(body)
	}))
	tb.Cleanup(srv.Close)
	return srv
}

// benchPollInterval keeps the waits between polls short, so that the
// benchmark measures the polling, not the sleeping.
const benchPollInterval = time.Microsecond

// floorWait is the hand-written polling loop: Get until the status is
// terminal, with one reused timer between polls.
func floorWait(ctx context.Context, f *floorClient) (*ApplicationJobLog, error) {
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	for {
		log, err := f.get(ctx, benchAppID, benchJobID)
		if err != nil {
			return nil, err
		}
		if log.GetStatus().Terminal() {
			return log, nil
		}
		timer.Reset(benchPollInterval)
		select {
		case <-ctx.Done():
			return log, ctx.Err()
		case <-timer.C:
		}
	}
}

// BenchmarkWait measures Wait on a job that completes after N polls and
// reports allocations and bytes per poll: with more polls they must stay
// flat (no growth per poll).
func BenchmarkWait(b *testing.B) {
	for _, polls := range []int{2, 32} {
		srv := pollServer(b, polls)
		c, f := benchSDK(b, srv), newFloorClient(b, srv)
		impls := []benchImpl{
			{"floor", func(ctx context.Context) (*ApplicationJobLog, error) { return floorWait(ctx, f) }},
			{"sdk", func(ctx context.Context) (*ApplicationJobLog, error) {
				return c.ApplicationJobLog.Wait(ctx, benchAppID, benchJobID,
					WithPollInterval(benchPollInterval), WithMaxPollInterval(benchPollInterval))
			}},
		}
		for _, impl := range impls {
			b.Run(fmt.Sprintf("polls=%d/impl=%s", polls, impl.name), func(b *testing.B) {
				warmUp(b, 1, impl.get)
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				b.ReportAllocs()
				for b.Loop() {
					log, err := impl.get(context.Background())
					if err != nil {
						b.Fatal(err)
					}
					if log.GetStatus() != ApplicationJobLogStatusCompleted {
						b.Fatalf("status %s", *log.Status)
					}
				}
				runtime.ReadMemStats(&after)
				n := float64(b.N * polls)
				b.ReportMetric(float64(after.Mallocs-before.Mallocs)/n, "allocs/poll")
				b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/n, "B/poll")
			})
		}
	}
}

// The benchmarks' bodies must be job logs that openapi.yaml allows and that
// the SDK and the floor decode alike.
func TestBenchBodiesDecodeAlike(t *testing.T) {
	bodies, err := benchBodies()
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewClient(WithToken(benchToken))
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1/", nil)
	doc, err := openapi3.NewLoader().LoadFromFile("openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	schema := doc.Components.Schemas["ApplicationJobLog"].Value
	for name, body := range bodies {
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			t.Fatal(err)
		}
		if err := schema.VisitJSON(v); err != nil {
			t.Errorf("%s: not a job log openapi.yaml allows: %v", name, err)
		}
		var sdk, floor ApplicationJobLog
		if err := benchDecodeSDK(c, req, body, &sdk); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := json.Unmarshal(body, &floor); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		a, _ := json.Marshal(sdk)
		f, _ := json.Marshal(floor)
		if !bytes.Equal(a, f) {
			t.Errorf("%s: the SDK and encoding/json decode differently", name)
		}
		if name == "large" && (len(body) < 900_000 || len(*floor.Output.ValidationErrors) != 6000 || !strings.Contains(string(body), `\"temp\"`)) {
			t.Errorf("large body: %d bytes, want about 1 MB with 6,000 validation errors", len(body))
		}
	}
}
