package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"testing"

	losant "github.com/losant-go/losant-go"
	"github.com/losant-go/losant-go/api"
)

// listBenchServer serves total job logs of listApp from the local API on
// loopback (no response validation: this measures the client side).
func listBenchServer(b *testing.B, total int) *httptest.Server {
	b.Helper()
	store := api.NewStore()
	seedLogs(b, store, total, 0)
	h, err := api.NewHandler(api.Options{Store: store})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(h)
	b.Cleanup(srv.Close)
	return srv
}

// floorAll is the hand-written floor: what a careful Go programmer writes
// without the SDK, a page loop with net/http and encoding/json into the
// same model, stopping at the first short page.
func floorAll(ctx context.Context, hc *http.Client, base string, perPage int, visit func(*losant.ApplicationJobLog)) error {
	for page := 0; ; page++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet,
			base+"/applications/"+listApp+"/jobLogs?perPage="+strconv.Itoa(perPage)+"&page="+strconv.Itoa(page), nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer t")
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		var body losant.ApplicationJobLogs
		err = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		items := body.GetItems()
		for i := range items {
			visit(&items[i])
		}
		if len(items) < perPage {
			return nil
		}
	}
}

// heapSampler records the largest live heap seen at its samples, above
// the live heap at its start. Each sample collects garbage first, so it
// reads what is live (the current page, the connection's buffers), not
// what the collector has yet to free: the server runs in this process, and
// its garbage would otherwise make the figure follow the collector's pace.
type heapSampler struct {
	base, peak uint64
	n, every   int
}

// newHeapSampler samples at every every-th call of sample.
func newHeapSampler(every int) *heapSampler {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return &heapSampler{base: m.HeapAlloc, every: every}
}

// sample reads the live heap every h.every-th call.
func (h *heapSampler) sample() {
	if h.n++; h.n%h.every != 0 {
		return
	}
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	if m.HeapAlloc > h.base && m.HeapAlloc-h.base > h.peak {
		h.peak = m.HeapAlloc - h.base
	}
}

// BenchmarkListAll iterates every job log of an application holding 10,000
// and 100,000, with All (the SDK) and with the floor's page loop, 100 a
// page, and reports the peak heap above the starting heap. The store's own
// memory is in the starting heap, so what is reported is the iteration's:
// it must not grow with the total (one page at a time).
func BenchmarkListAll(b *testing.B) {
	for _, total := range []int{10_000, 100_000} {
		srv := listBenchServer(b, total)
		c, err := losant.NewClient(losant.WithToken("t"), losant.WithBaseURL(srv.URL))
		if err != nil {
			b.Fatal(err)
		}
		for _, impl := range []string{"floor", "sdk"} {
			b.Run(fmt.Sprintf("total=%d/impl=%s", total, impl), func(b *testing.B) {
				iterate := func(h *heapSampler) {
					n := 0
					visit := func(log *losant.ApplicationJobLog) {
						if log.GetID() != "" {
							n++
						}
						if h != nil {
							h.sample()
						}
					}
					if impl == "floor" {
						if err := floorAll(context.Background(), srv.Client(), srv.URL, 100, visit); err != nil {
							b.Fatal(err)
						}
					} else {
						for log, err := range c.ApplicationJobLog.All(context.Background(), listApp, &losant.ApplicationJobLogListParams{PerPage: 100}) {
							if err != nil {
								b.Fatal(err)
							}
							visit(log)
						}
					}
					if n != total {
						b.Fatalf("%d logs, want %d", n, total)
					}
				}
				b.ReportAllocs()
				for b.Loop() {
					iterate(nil)
				}
				// One more walk, outside the timing, with the heap sampled
				// (the store's sort caches were built by the timed walks).
				b.StopTimer()
				h := newHeapSampler(2500)
				iterate(h)
				peak := h.peak
				b.ReportMetric(float64(peak)/(1<<10), "peak-live-heap-KiB")
			})
		}
		c.CloseIdleConnections()
	}
}

// TestAllMemoryIsFlat walks 2,000 and then 20,000 job logs with All and
// compares the peak live heap of the two walks: ten times the logs may not
// need more than a little more memory, since All holds one page at a time.
// (Bytes, not time: the collector runs before each reading.)
func TestAllMemoryIsFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("stores 22,000 job logs; skipped with -short")
	}
	peak := func(total int) uint64 {
		store := api.NewStore()
		seedLogs(t, store, total, 0)
		h, err := api.NewHandler(api.Options{Store: store})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		defer srv.Close()
		c, err := losant.NewClient(losant.WithToken("t"), losant.WithBaseURL(srv.URL))
		if err != nil {
			t.Fatal(err)
		}
		defer c.CloseIdleConnections()
		// One request first: the store builds its sort caches (a few bytes
		// per log, kept), which are the store's memory, not the walk's.
		if _, err := c.ApplicationJobLog.List(context.Background(), listApp, &losant.ApplicationJobLogListParams{PerPage: 1}); err != nil {
			t.Fatal(err)
		}
		s := newHeapSampler(total / 20)
		n := 0
		for log, err := range c.ApplicationJobLog.All(context.Background(), listApp, &losant.ApplicationJobLogListParams{PerPage: 100}) {
			if err != nil {
				t.Fatal(err)
			}
			if log.GetID() != "" {
				n++
			}
			s.sample()
		}
		if n != total {
			t.Fatalf("%d logs, want %d", n, total)
		}
		return s.peak
	}
	small, large := peak(2_000), peak(20_000)
	t.Logf("peak live heap while walking: %d KiB for 2,000 logs, %d KiB for 20,000", small>>10, large>>10)
	if large > 2*small+256<<10 {
		t.Errorf("walking 20,000 logs peaked at %d KiB of live heap, 2,000 at %d KiB: memory grows with the total", large>>10, small>>10)
	}
}
