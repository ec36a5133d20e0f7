// Package loadtest drives one losant.Client from many goroutines against
// the local API (package api) on loopback, and checks that nothing fails and
// nothing leaks: goroutines and connections return to where they started
// once the client closes its idle connections.
//
// It is not part of `go test ./...`: TestLoad skips unless -loadtest is
// given. Run it with scripts/loadtest.sh, or:
//
//	go test -count=1 -v -run '^TestLoad$' ./loadtest -args -loadtest [-loadtest.requests=100000] [-loadtest.workers=256]
package loadtest

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	losant "github.com/losant-go/losant-go"
	"github.com/losant-go/losant-go/api"
)

var (
	enabled  = flag.Bool("loadtest", false, "run the load test")
	requests = flag.Int("loadtest.requests", 100_000, "Get calls to make in all")
	workers  = flag.Int("loadtest.workers", 256, "goroutines sharing the client")
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const token = "load-test-token"

// settle is how long the test lets goroutines and connections wind down
// after the client closes its idle connections. It only bounds the wait;
// the checks are on counts.
const settle = 10 * time.Second

// connCounter follows the server's connections: every TCP connection the
// client opens on loopback is one the server accepts.
type connCounter struct {
	open, accepted atomic.Int64
}

func (c *connCounter) track(_ net.Conn, s http.ConnState) {
	switch s {
	case http.StateNew:
		c.open.Add(1)
		c.accepted.Add(1)
	case http.StateClosed, http.StateHijacked:
		c.open.Add(-1)
	}
}

// retryCounter is a slog.Handler that counts the client's retry log lines.
type retryCounter struct{ n atomic.Int64 }

func (r *retryCounter) Enabled(context.Context, slog.Level) bool  { return true }
func (r *retryCounter) Handle(context.Context, slog.Record) error { r.n.Add(1); return nil }
func (r *retryCounter) WithAttrs([]slog.Attr) slog.Handler        { return r }
func (r *retryCounter) WithGroup(string) slog.Handler             { return r }

// snapshot is what is counted before and after the run.
type snapshot struct {
	goroutines int
	serverConn int64 // connections open at the server, so also at the client
	sockets    int   // socket descriptors of this process (both ends and the listener)
}

func (s snapshot) String() string {
	return fmt.Sprintf("goroutines %d, open connections %d, socket fds %d", s.goroutines, s.serverConn, s.sockets)
}

func take(cc *connCounter) snapshot {
	return snapshot{goroutines: runtime.NumGoroutine(), serverConn: cc.open.Load(), sockets: countSockets()}
}

// countSockets counts this process's socket descriptors (-1 where /proc is
// missing).
func countSockets() int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	n := 0
	for _, e := range ents {
		if l, err := os.Readlink("/proc/self/fd/" + e.Name()); err == nil && strings.HasPrefix(l, "socket:") {
			n++
		}
	}
	return n
}

// memSampler records the peak heap while the load runs.
type memSampler struct {
	stop              chan struct{}
	done              chan struct{}
	peakHeap, peakSys uint64
}

func sampleMemory(every time.Duration) *memSampler {
	m := &memSampler{stop: make(chan struct{}), done: make(chan struct{})}
	samples := []metrics.Sample{
		{Name: "/memory/classes/heap/objects:bytes"}, // live and not yet swept objects (HeapAlloc)
		{Name: "/memory/classes/total:bytes"},        // everything the runtime mapped (Sys)
	}
	go func() {
		defer close(m.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			metrics.Read(samples)
			m.peakHeap = max(m.peakHeap, samples[0].Value.Uint64())
			m.peakSys = max(m.peakSys, samples[1].Value.Uint64())
			select {
			case <-m.stop:
				return
			case <-t.C:
			}
		}
	}()
	return m
}

func (m *memSampler) finish() { close(m.stop); <-m.done }

// vmHWM returns the process's peak resident set size from /proc, or "n/a".
func vmHWM() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "n/a"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "n/a"
}

// settleTo waits until cond holds or settle passes, and reports whether it held.
func settleTo(cond func() bool) bool {
	deadline := time.Now().Add(settle)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return true
}

func mib(b uint64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

func TestLoad(t *testing.T) {
	if !*enabled {
		t.Skip("load test: run with -loadtest (scripts/loadtest.sh)")
	}
	store, err := api.ExampleStore()
	if err != nil {
		t.Fatal(err)
	}
	logs := store.List()
	if len(logs) == 0 {
		t.Fatal("the example store is empty")
	}
	appID, jobID := *logs[0].ApplicationID, *logs[0].ID
	h, err := api.NewHandler(api.Options{Store: store, Tokens: map[string][]string{token: nil}})
	if err != nil {
		t.Fatal(err)
	}
	var cc connCounter
	srv := httptest.NewUnstartedServer(h) // listens on 127.0.0.1 only
	srv.Config.ConnState = cc.track
	srv.Start()
	defer srv.Close()

	runtime.GC()
	before := take(&cc)

	retries := &retryCounter{}
	client, err := losant.NewClient(losant.WithToken(token), losant.WithBaseURL(srv.URL),
		losant.WithLogger(slog.New(retries)))
	if err != nil {
		t.Fatal(err)
	}

	var (
		next, failed atomic.Int64
		firstErrs    []error
		mu           sync.Mutex
		wg           sync.WaitGroup
		peakConns    atomic.Int64
	)
	mem := sampleMemory(10 * time.Millisecond)
	start := time.Now()
	for range *workers {
		wg.Go(func() {
			for next.Add(1) <= int64(*requests) {
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				log, err := client.ApplicationJobLog.Get(ctx, appID, jobID)
				cancel()
				if err == nil && (log.ID == nil || *log.ID != jobID) {
					err = errors.New("wrong job log in the answer")
				}
				if err != nil {
					failed.Add(1)
					mu.Lock()
					if len(firstErrs) < 5 {
						firstErrs = append(firstErrs, err)
					}
					mu.Unlock()
				}
				for n, p := cc.open.Load(), peakConns.Load(); n > p && !peakConns.CompareAndSwap(p, n); p = peakConns.Load() {
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	mem.finish()
	during := take(&cc)

	client.CloseIdleConnections()
	connsBack := settleTo(func() bool { return cc.open.Load() <= before.serverConn })
	goroutinesBack := settleTo(func() bool { return runtime.NumGoroutine() <= before.goroutines })
	socketsBack := settleTo(func() bool { return countSockets() <= before.sockets })
	after := take(&cc)

	var report strings.Builder
	fmt.Fprintf(&report, "load test: %d Get calls from %d goroutines sharing one losant.Client, local API at %s\n", *requests, *workers, srv.URL)
	fmt.Fprintf(&report, "  errors:             %d\n", failed.Load())
	fmt.Fprintf(&report, "  retries:            %d\n", retries.n.Load())
	fmt.Fprintf(&report, "  time:               %v (%.0f requests/s)\n", elapsed.Round(time.Millisecond), float64(*requests)/elapsed.Seconds())
	fmt.Fprintf(&report, "  connections opened: %d (peak open ~%d)\n", cc.accepted.Load(), peakConns.Load())
	fmt.Fprintf(&report, "  before:             %v\n", before)
	fmt.Fprintf(&report, "  at the end of load: %v\n", during)
	fmt.Fprintf(&report, "  after closing idle: %v\n", after)
	fmt.Fprintf(&report, "  peak heap:          %s in use (sampled every 10ms), %s mapped by the runtime; peak RSS (VmHWM) %s (client and server in one process)\n",
		mib(mem.peakHeap), mib(mem.peakSys), vmHWM())
	fmt.Print(report.String())

	if n := failed.Load(); n > 0 {
		t.Errorf("%d of %d calls failed; first errors: %v", n, *requests, firstErrs)
	}
	if !connsBack {
		t.Errorf("connections did not return to the baseline: %d open, %d before", after.serverConn, before.serverConn)
	}
	if !goroutinesBack {
		t.Errorf("goroutines did not return to the baseline: %d, %d before", after.goroutines, before.goroutines)
	}
	if !socketsBack {
		t.Errorf("socket descriptors did not return to the baseline: %d, %d before", after.sockets, before.sockets)
	}
}
