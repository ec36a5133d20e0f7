package loadtest

// The abuse test (issue 11): a running `losant serve`, started by
// scripts/abuse.sh, is attacked two ways, and the test fails unless it
// holds:
//
//  1. Slowloris: -abuse.slow connections send their request headers one
//     byte a second, and are opened again whenever the server drops them,
//     for -abuse.hold. Meanwhile a normal client sends a request every
//     100 ms, each on a new connection; every one must succeed within
//     -abuse.maxlatency.
//  2. Malformed requests: -abuse.requests requests with random malformed
//     methods, paths, IDs, tokens, queries and headers, each sure to be
//     refused, must all get a 4xx with Losant's JSON error body, and no
//     5xx. -abuse.garbage more requests that are not valid HTTP at all
//     (bad escapes, control bytes, bad header names, oversized headers)
//     must get net/http's own 4xx, which comes before the handler.
//
// Afterwards the server must still answer, and its open file descriptors
// must return to what they were before the attack. Setting -abuse.slow,
// -abuse.requests or -abuse.garbage to 0 leaves that part out.
//
// Run it with scripts/abuse.sh, which builds the server, raises the file
// descriptor limit, checks the server's stderr for panics and stops the
// server by its PID. TestAbuse skips unless -abuse is given.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"mime"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var (
	abuseEnabled    = flag.Bool("abuse", false, "run the abuse test against -abuse.url (scripts/abuse.sh)")
	abuseURL        = flag.String("abuse.url", "", "base URL of a running `losant serve` (scripts/abuse.sh starts one)")
	abusePID        = flag.Int("abuse.pid", 0, "that server's PID, to report its file descriptors and memory (0: not reported)")
	abuseToken      = flag.String("abuse.token", "abuse-token", "a full-access token the server accepts")
	abuseSlow       = flag.Int("abuse.slow", 1000, "slowloris connections held open at once (0: no slowloris attack)")
	abuseHold       = flag.Duration("abuse.hold", 25*time.Second, "how long the slowloris connections are held while the normal client measures")
	abuseMaxLatency = flag.Duration("abuse.maxlatency", time.Second, "the normal client's worst acceptable latency")
	abuseRequests   = flag.Int("abuse.requests", 10_000, "malformed requests that must get Losant's JSON 4xx (0: none)")
	abuseGarbage    = flag.Int("abuse.garbage", 1_000, "requests that are not valid HTTP, which net/http must refuse with a 4xx (0: none)")
	abuseWorkers    = flag.Int("abuse.workers", 16, "connections sending malformed requests at once")
	abuseSeed       = flag.Uint64("abuse.seed", 0, "random seed (0: from the clock; the seed used is printed, for a rerun)")
)

// The job log `losant serve` serves without --data: the first example of
// openapi.yaml.
const (
	abuseApp = "575ec8687ae143cd83dc4a97"
	abuseJob = "575ec76c7ae143cd83dc4a96"
)

var abuseJobPath = "/applications/" + abuseApp + "/jobLogs/" + abuseJob

// answerWait bounds the wait for any one answer, so that a server that
// stops answering fails the test instead of hanging it.
const answerWait = 30 * time.Second

func TestAbuse(t *testing.T) {
	if !*abuseEnabled {
		t.Skip("abuse test: run scripts/abuse.sh")
	}
	base, err := url.Parse(*abuseURL)
	if err != nil || base.Scheme != "http" || base.Host == "" {
		t.Fatalf("-abuse.url %q: want the http://HOST:PORT that `losant serve` printed", *abuseURL)
	}
	seed := *abuseSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	fmt.Printf("abuse test against %s (server PID %d), seed %d\n", base, *abusePID, seed)

	normal := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: answerWait}
	if err := normalGet(t.Context(), normal, base.String()); err != nil {
		t.Fatalf("before the attack: %v (is the server started with --token %s and no --data?)", err, *abuseToken)
	}
	before, haveStats := serverStats()

	t.Run("slowloris", func(t *testing.T) { slowlorisTest(t, base, normal) })
	t.Run("malformed", func(t *testing.T) { malformedTest(t, base, seed) })
	t.Run("garbage", func(t *testing.T) { garbageTest(t, base, seed) })

	if err := normalGet(t.Context(), normal, base.String()); err != nil {
		t.Errorf("after the attack: %v", err)
	} else {
		fmt.Println("after the attack: the server still answers a normal request (200)")
	}
	if !haveStats {
		return
	}
	// The server closes what the attack left (a 431's connection lingers
	// for half a second) by itself; wait for that, within a bound.
	end := time.Now().Add(settle)
	after, _ := serverStats()
	for after.fds > before.fds && time.Now().Before(end) {
		time.Sleep(50 * time.Millisecond)
		after, _ = serverStats()
	}
	fmt.Printf("server: %d fds open before the attack, %d after; RSS %s before, peak over the run (VmHWM) %s\n",
		before.fds, after.fds, before.rss, after.hwm)
	if after.fds > before.fds {
		t.Errorf("the server still has %d file descriptors open %v after the attack, %d before it: connections leak", after.fds, settle, before.fds)
	}
}

// normalGet makes the request a well-behaved client makes and checks it
// gets the job log.
func normalGet(ctx context.Context, c *http.Client, base string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+abuseJobPath, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+*abuseToken)
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("normal GET: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("normal GET: reading the body: %w", err)
	}
	if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(abuseJob)) {
		return fmt.Errorf("normal GET: status %d, want 200 with job log %s: %.200s", resp.StatusCode, abuseJob, body)
	}
	return nil
}

// ---- slowloris ----

// slowloris holds connections that send their headers one byte a second,
// opening a new one whenever the server drops one.
type slowloris struct {
	addr      string
	open      atomic.Int64 // connections open now
	opened    atomic.Int64 // connections opened in all
	dialFails atomic.Int64
	answered  atomic.Int64 // dropped with an answer (net/http's 400) rather than silently

	mu        sync.Mutex
	lifetimes []time.Duration // of the connections the server dropped
	dialErr   error           // the last dial error
}

// slowHead is what the slow connections send, a byte at a time. They never
// get to its end, so their headers never finish.
var slowHead = []byte("GET " + abuseJobPath + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slowloris\r\nX-Slow: " + strings.Repeat("a", 4096))

func (s *slowloris) run(ctx context.Context) {
	d := net.Dialer{Timeout: answerWait}
	for ctx.Err() == nil {
		conn, err := d.DialContext(ctx, "tcp", s.addr)
		if err != nil {
			if ctx.Err() == nil {
				s.dialFails.Add(1)
				s.mu.Lock()
				s.dialErr = err
				s.mu.Unlock()
				sleepCtx(ctx, 100*time.Millisecond)
			}
			continue
		}
		s.open.Add(1)
		s.opened.Add(1)
		start := time.Now()
		dropped, answered := dribble(ctx, conn)
		s.open.Add(-1)
		_ = conn.Close()
		if dropped {
			s.mu.Lock()
			s.lifetimes = append(s.lifetimes, time.Since(start))
			s.mu.Unlock()
			if answered {
				s.answered.Add(1)
			}
		}
	}
}

// dribble sends slowHead a byte a second until ctx ends or the server
// drops the connection (dropped), with an answer or without.
func dribble(ctx context.Context, conn net.Conn) (dropped, answered bool) {
	buf := make([]byte, 512)
	for i := 0; ctx.Err() == nil; i++ {
		_ = conn.SetWriteDeadline(time.Now().Add(answerWait))
		if _, err := conn.Write(slowHead[i%len(slowHead) : i%len(slowHead)+1]); err != nil {
			return true, false
		}
		// Reading for a second is both the pause between bytes and the
		// way to see the server close the connection.
		_ = conn.SetReadDeadline(time.Now().Add(time.Second))
		n, err := conn.Read(buf)
		if n > 0 {
			return true, true
		}
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() {
			return true, false
		}
	}
	return false, false
}

func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

func slowlorisTest(t *testing.T, base *url.URL, normal *http.Client) {
	if *abuseSlow <= 0 {
		t.Skip("-abuse.slow=0")
	}
	s := &slowloris{addr: base.Host}
	ctx, cancel := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }()

	start := time.Now()
	for range *abuseSlow {
		wg.Go(func() { s.run(ctx) })
	}
	// Measure only once every slow connection is open.
	for s.open.Load() < int64(*abuseSlow) {
		if time.Since(start) > answerWait {
			s.mu.Lock()
			err := s.dialErr
			s.mu.Unlock()
			t.Fatalf("only %d of %d slow connections opened in %v (%d dials failed, last: %v); is the file descriptor limit (ulimit -n) high enough?",
				s.open.Load(), *abuseSlow, answerWait, s.dialFails.Load(), err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	opening := time.Since(start)

	var (
		latencies        []time.Duration
		failures         []string
		minOpen, maxOpen = int64(*abuseSlow), int64(0)
		peakFDs          int
		peakRSS          string
	)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	holdStart := time.Now()
	for time.Since(holdStart) < *abuseHold {
		<-tick.C
		open := s.open.Load()
		minOpen, maxOpen = min(minOpen, open), max(maxOpen, open)
		t0 := time.Now()
		err := normalGet(t.Context(), normal, base.String())
		lat := time.Since(t0)
		latencies = append(latencies, lat)
		switch {
		case err != nil:
			failures = append(failures, err.Error())
		case lat > *abuseMaxLatency:
			failures = append(failures, fmt.Sprintf("answered after %v, over %v, with %d slow connections open", lat.Round(time.Millisecond), *abuseMaxLatency, open))
		}
		if st, ok := serverStats(); ok && st.fds > peakFDs {
			peakFDs, peakRSS = st.fds, st.rss
		}
	}
	cancel()
	wg.Wait()

	s.mu.Lock()
	lifetimes := slices.Clone(s.lifetimes)
	s.mu.Unlock()
	fmt.Printf("slowloris: %d connections sending their headers 1 byte/s, held for %v (all %d open after %v)\n",
		*abuseSlow, *abuseHold, *abuseSlow, opening.Round(time.Millisecond))
	fmt.Printf("  slow connections opened in all: %d; open while measuring: %d to %d; dials failed: %d\n",
		s.opened.Load(), minOpen, maxOpen, s.dialFails.Load())
	if len(lifetimes) > 0 {
		fmt.Printf("  dropped by the server: %d, after %v median (%v to %v); %d of them after net/http's 400\n",
			len(lifetimes), pct(lifetimes, 50), pct(lifetimes, 0), pct(lifetimes, 100), s.answered.Load())
	} else {
		fmt.Printf("  dropped by the server: none within %v\n", *abuseHold)
	}
	fmt.Printf("  normal client, a new connection every 100 ms: %d requests, %d failed or over %v; latency p50 %v, p99 %v, max %v\n",
		len(latencies), len(failures), *abuseMaxLatency, pct(latencies, 50), pct(latencies, 99), pct(latencies, 100))
	if peakFDs > 0 {
		fmt.Printf("  server under attack: up to %d fds open, RSS %s then\n", peakFDs, peakRSS)
	}
	if len(latencies) == 0 {
		t.Error("the normal client made no request: -abuse.hold is too short")
	}
	if len(failures) > 0 {
		t.Errorf("%d of %d normal requests failed or took over %v; first: %s", len(failures), len(latencies), *abuseMaxLatency, failures[0])
	}
}

// pct returns the p-th percentile of ds (0: the least, 100: the most).
func pct(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := min(len(s)-1, len(s)*p/100)
	d := s[i]
	switch {
	case d >= time.Second:
		return d.Round(10 * time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond)
	}
	return d.Round(time.Microsecond)
}

// ---- server figures from /proc ----

type procStats struct {
	fds      int
	rss, hwm string
}

// serverStats reads the server's open descriptors and memory from /proc,
// if -abuse.pid is given and /proc has them.
func serverStats() (procStats, bool) {
	if *abusePID <= 0 {
		return procStats{}, false
	}
	dir := "/proc/" + strconv.Itoa(*abusePID)
	fds, err := os.ReadDir(dir + "/fd")
	if err != nil {
		return procStats{}, false
	}
	st := procStats{fds: len(fds), rss: "n/a", hwm: "n/a"}
	if b, err := os.ReadFile(dir + "/status"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
				st.rss = strings.TrimSpace(v)
			}
			if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				st.hwm = strings.TrimSpace(v)
			}
		}
	}
	return st, true
}

// ---- malformed requests ----

// rawRequest is one request, written byte for byte.
type rawRequest struct {
	method string
	data   []byte
	kind   string // what is wrong with it, for the report
}

// gen makes requests at random.
type gen struct{ r *rand.Rand }

const tchars = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// pathChars may appear in a path unescaped.
const pathChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@"

func (g gen) pick(s []string) string { return s[g.r.IntN(len(s))] }

func (g gen) from(chars string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = chars[g.r.IntN(len(chars))]
	}
	return string(b)
}

// escaped returns n random bytes, percent-encoded.
func (g gen) escaped(n int) string {
	var b strings.Builder
	for range n {
		fmt.Fprintf(&b, "%%%02X", g.r.IntN(256))
	}
	return b.String()
}

// segment returns one random path segment, valid in a request target.
func (g gen) segment() string {
	switch g.r.IntN(9) {
	case 0:
		return ""
	case 1:
		return g.pick([]string{".", "..", "%2e%2e", "%2E", "..%2F..", "%2F", "%5C", "~", "*"})
	case 2:
		return g.escaped(1 + g.r.IntN(12))
	case 3:
		return g.from(pathChars, 1+g.r.IntN(2048))
	case 4:
		return g.pick([]string{"applications", "jobLogs", "applications%00", "JOBLOGS", "jobLogs;a=b", "%F0%9F%92%A5", "%C3%28", "%ED%A0%80"})
	case 5:
		return g.from("0123456789abcdefABCDEF", 24) // an ID, but maybe not the right one
	default:
		return g.from(pathChars, 1+g.r.IntN(40))
	}
}

// badID returns a string that is not a valid ObjectId (24 hex digits).
func (g gen) badID() string {
	switch g.r.IntN(6) {
	case 0:
		return g.from("0123456789abcdef", g.r.IntN(24)) // too short
	case 1:
		return g.from("0123456789abcdef", 25+g.r.IntN(40)) // too long
	case 2:
		id := []byte(g.from("0123456789abcdef", 24))
		id[g.r.IntN(24)] = g.from("ghijklmnopqrstuvwxyzGXZ-_.~!*", 1)[0]
		return string(id)
	case 3:
		return g.escaped(1 + g.r.IntN(24))
	case 4:
		return g.pick([]string{"null", "undefined", "%00", "0x575ec8687ae143cd83dc4a97", "575ec8687ae143cd83dc4a97%00", "575ec8687ae143cd83dc4a97%20", "%20575ec8687ae143cd83dc4a97", "-1", "..", "."})
	default:
		return g.from(pathChars, 1+g.r.IntN(60))
	}
}

// valueChars may appear unescaped in a query value without ending it or
// making Go's query parser drop the pair (as ';' does).
const valueChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$'()*,:@/?"

// notBool returns a value strconv.ParseBool refuses, escaped for a query.
func (g gen) notBool() string {
	for {
		v := g.pick([]string{"maybe", "yes", "no", "2", "-1", "nil", "null", "tru", "falsey", "[]", "{}", "%27%27", "%22true%22", g.from(valueChars, 1+g.r.IntN(30)), g.escaped(1 + g.r.IntN(10))})
		if dec, err := url.QueryUnescape(v); err == nil && dec != "" {
			if _, err := strconv.ParseBool(dec); err != nil {
				return v
			}
		}
	}
}

// badListParam returns a parameter of the list endpoint that breaks the
// spec: an unknown sort field or direction, a page or perPage out of range
// or not an integer, or a query that is not the JSON of an object.
func (g gen) badListParam() string {
	switch g.r.IntN(5) {
	case 0:
		return "sortField=" + g.pick([]string{"id", "NAME", "name%00", "__proto__", "%24where", g.from(valueChars, 1+g.r.IntN(30))})
	case 1:
		return "sortDirection=" + g.pick([]string{"up", "ASC", "-1", "descending", g.from(valueChars, 1+g.r.IntN(10))})
	case 2:
		return "page=" + g.pick([]string{"-1", "1.5", "x", "1e3", "0x10", "99999999999999999999999", "%2D1"})
	case 3:
		return "perPage=" + g.pick([]string{"0", "-1", "1001", "1000000", "1.0", "all", "NaN", "99999999999999999999999"})
	}
	bad := g.pick([]string{
		"{", "}", "[]", "[1,2]", "\"status\"", "42", "true", "{\"status\":", "{\"status\":\"completed\"", "{'status':'completed'}",
		"{\"status\":\"completed\"}}", "{\"a\":1}{\"b\":2}", "{\"\\ud800\":1,", "{\"name\":\"\\x41\"}",
		// Deep and long, within MaxQueryBytes once escaped:
		strings.Repeat("[", 4_000), strings.Repeat("[", 2_000) + strings.Repeat("]", 2_000),
		strings.Repeat("{\"$and\":[", 600), "{\"status\":{\"$in\":[" + strings.Repeat("\"completed\",", 800),
	})
	return "query=" + url.QueryEscape(bad)
}

// noiseQuery returns random query parameters that may or may not be
// refused by themselves.
func (g gen) noiseQuery() string {
	var parts []string
	for range g.r.IntN(6) {
		switch g.r.IntN(5) {
		case 0:
			parts = append(parts, g.from(pathChars+"?/", 1+g.r.IntN(20)))
		case 1:
			parts = append(parts, g.from(pathChars, 1+g.r.IntN(10))+"="+g.escaped(g.r.IntN(20)))
		case 2:
			parts = append(parts, g.pick([]string{"query=%7B%22status%22%3A%7B%22%24ne%22%3Anull%7D%7D", "sortField=name", "page=-1", "perPage=1e9", "a[]=1&a[]=2", "%zz", "=", "&&&", ";", "__proto__=x", "constructor.prototype=1"}))
		default:
			parts = append(parts, g.from(pathChars, 1+g.r.IntN(8))+"="+g.from(pathChars+"/?", g.r.IntN(30)))
		}
	}
	return strings.Join(parts, "&")
}

// noiseHeader returns a header that does not change how the request is
// framed (no Content-Length, Transfer-Encoding, Host, Connection, Expect)
// and is not a CORS preflight's.
func (g gen) noiseHeader() (string, string) {
	name := g.pick([]string{"Accept", "Accept-Version", "Content-Type", "losantdomain", "Origin", "X-Forwarded-For", "Cookie", "Range", "If-None-Match", "User-Agent", "Accept-Encoding", "Referer", "X-Request-Id", "Forwarded", "Upgrade"})
	if g.r.IntN(3) == 0 {
		name = g.from(tchars, 1+g.r.IntN(40))
		switch strings.ToLower(name) {
		case "content-length", "transfer-encoding", "host", "connection", "expect", "access-control-request-method", "authorization", "te", "trailer":
			name = "X-" + name
		}
	}
	var value string
	switch g.r.IntN(6) {
	case 0:
		value = ""
	case 1:
		value = g.from(pathChars+" \t\"(),/:;<=>?[\\]{}", 1+g.r.IntN(8<<10)) // long, printable
	case 2:
		b := make([]byte, 1+g.r.IntN(64)) // obs-text: bytes 0x80-0xFF
		for i := range b {
			b[i] = byte(0x80 + g.r.IntN(128))
		}
		value = string(b)
	case 3:
		value = g.pick([]string{"^0.0.0", "^99", "*/*", "text/html;q=0.5, application/json", "bytes=0-1,2-3", "null", "https://evil.example", "h2c", "websocket"})
	default:
		value = g.from(pathChars+" ", 1+g.r.IntN(40))
	}
	return name, value
}

// malformed returns a request that the local API must refuse, with a
// 4xx: at least one thing about it is certain to be wrong.
func (g gen) malformed() rawRequest {
	method := http.MethodGet
	target := abuseJobPath
	auth := "Bearer " + *abuseToken
	if g.r.IntN(5) == 0 {
		auth = "" // the validator checks the token first: vary what it sees
	}
	var kind string
	switch g.r.IntN(9) {
	case 0:
		kind = "method"
		method = g.pick([]string{"POST", "PUT", "DELETE", "PATCH", "HEAD", "TRACE", "CONNECT", "OPTIONS", "PROPFIND", "M-SEARCH", "get", "Get", "GET2", "PRI", g.from(tchars, 1+g.r.IntN(20))})
		if method == http.MethodGet {
			method = "GETS"
		}
	case 1, 2:
		kind = "path"
		var segs []string
		for range 1 + g.r.IntN(8) {
			segs = append(segs, g.segment())
		}
		target = g.pick([]string{"/", "//", "/applications/", "http://127.0.0.1/", "http://evil.example/"}) + strings.Join(segs, "/")
		if target == abuseJobPath {
			target += "/x"
		}
	case 3:
		kind = "ids"
		app, job := abuseApp, abuseJob
		switch g.r.IntN(3) {
		case 0:
			app = g.badID()
		case 1:
			job = g.badID()
		default:
			app, job = g.badID(), g.badID()
		}
		target = "/applications/" + app + "/jobLogs/" + job
	case 4:
		kind = "token"
		auth = g.pick([]string{
			"", "Bearer", "Bearer ", "Bearer  ", "Basic YWJ1c2U6", "Token x", "Bearer\t",
			"Bearer " + g.from(tchars, 1+g.r.IntN(200)),
			"Bearer " + g.from(pathChars+" ", 1+g.r.IntN(2000)),
			g.from(tchars, 1+g.r.IntN(30)),
		})
		if strings.HasSuffix(auth, " "+*abuseToken) || strings.HasSuffix(auth, "\t"+*abuseToken) {
			auth = "Bearer not-" + *abuseToken
		}
	case 5:
		kind = "query"
		param := g.pick([]string{"_actions", "_links", "_embedded"})
		if g.r.IntN(3) == 0 {
			target += "?" + param + "=true&" + param + "=false" // one value only
		} else {
			target += "?" + param + "=" + g.notBool()
		}
	case 6:
		kind = "list parameters"
		target = "/applications/" + abuseApp + "/jobLogs?" + g.badListParam()
	case 7:
		kind = "long URI"
		target += "?pad=" + g.from(pathChars, 20<<10+g.r.IntN(30<<10))
	default:
		kind = "long query"
		target += "?pad=" + g.from(pathChars, 16<<10+g.r.IntN(3<<10))
	}
	if kind != "long URI" && kind != "long query" && g.r.IntN(2) == 0 {
		if strings.Contains(target, "?") {
			target += "&" + g.noiseQuery()
		} else {
			target += "?" + g.noiseQuery()
		}
	}

	var b bytes.Buffer
	b.WriteString(method + " " + target + " HTTP/1.1\r\nHost: " + g.pick([]string{"127.0.0.1", "localhost", "api.losant.com", "[::1]:1"}) + "\r\n")
	if auth != "" {
		b.WriteString("Authorization: " + auth + "\r\n")
	}
	noise := g.r.IntN(5)
	if kind == "long URI" || kind == "long query" {
		noise = 0 // the request line and headers must stay within MaxHeaderBytes
	}
	for range noise {
		name, value := g.noiseHeader()
		b.WriteString(name + ": " + value + "\r\n")
	}
	if g.r.IntN(10) == 0 {
		body := make([]byte, 1+g.r.IntN(4<<10))
		for i := range body {
			body[i] = byte(g.r.IntN(256))
		}
		fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n", len(body))
		b.Write(body)
	} else {
		b.WriteString("\r\n")
	}
	return rawRequest{method: method, data: b.Bytes(), kind: kind}
}

// garbage returns a request net/http itself refuses, before any handler:
// it is not valid HTTP/1.1.
func (g gen) garbage() rawRequest {
	line := func(method, target string) string { return method + " " + target + " HTTP/1.1\r\n" }
	host := "Host: 127.0.0.1\r\n"
	var kind, head string
	switch g.r.IntN(7) {
	case 0:
		kind = "bad escape in the path"
		head = line("GET", "/applications/"+g.from(pathChars, g.r.IntN(10))+g.pick([]string{"%", "%z", "%zz", "%G0", "%%", "%u0041"})+"/jobLogs/x") + host
	case 1:
		kind = "control byte in the target"
		head = line("GET", "/applications/"+g.pick([]string{"\x00", "\x01", "\x1b", "\x7f"})+"/jobLogs/x") + host
	case 2:
		kind = "bad method"
		head = line(g.pick([]string{"GE(T", "G\"T", "GET/", "G@T", "[GET]", "GET,POST", "GE\x01T"}), abuseJobPath) + host
	case 3:
		kind = "bad header name"
		head = line("GET", abuseJobPath) + host + g.pick([]string{"Bad Header", "X(y)", "X@Y", "X/Y", "\"X\"", "X\x01"}) + ": 1\r\n"
	case 4:
		kind = "bad header value"
		head = line("GET", abuseJobPath) + host + "X-Bad: a" + g.pick([]string{"\x00", "\x01", "\x1f", "\x7f"}) + "b\r\n"
	case 5:
		kind = "no Host header"
		head = line("GET", abuseJobPath)
	default:
		kind = "headers over MaxHeaderBytes"
		head = line("GET", abuseJobPath) + host + "X-Big: " + g.from(pathChars, 80<<10) + "\r\n"
	}
	return rawRequest{method: http.MethodGet, data: []byte(head + "Authorization: Bearer " + *abuseToken + "\r\n\r\n"), kind: kind}
}

// answer is one response read off a raw connection.
type answer struct {
	status int
	header http.Header
	body   []byte
	closed bool // the server closes the connection after it
}

// rawConn sends raw requests on one connection, dialing again when the
// server has closed it.
type rawConn struct {
	addr string
	conn net.Conn
	br   *bufio.Reader
}

func (c *rawConn) close() {
	if c.conn != nil {
		_ = c.conn.Close()
		c.conn, c.br = nil, nil
	}
}

func (c *rawConn) roundTrip(req rawRequest) (answer, error) {
	if c.conn == nil {
		conn, err := net.DialTimeout("tcp", c.addr, answerWait)
		if err != nil {
			return answer{}, err
		}
		c.conn, c.br = conn, bufio.NewReader(conn)
	}
	_ = c.conn.SetDeadline(time.Now().Add(answerWait))
	if _, err := c.conn.Write(req.data); err != nil {
		c.close()
		return answer{}, fmt.Errorf("sending: %w", err)
	}
	resp, err := http.ReadResponse(c.br, &http.Request{Method: req.method})
	if err != nil {
		c.close()
		return answer{}, fmt.Errorf("reading the answer: %w", err)
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		c.close()
		return answer{}, fmt.Errorf("reading the body: %w", err)
	}
	a := answer{status: resp.StatusCode, header: resp.Header, body: body, closed: resp.Close}
	if a.closed {
		c.close()
	}
	return a, nil
}

// tally counts answers by status and by kind of request, and keeps the
// first few problems.
type tally struct {
	mu       sync.Mutex
	byStatus map[int]int
	byKind   map[string]map[int]int
	problems []string
	nProblem int
}

func newTally() *tally {
	return &tally{byStatus: map[int]int{}, byKind: map[string]map[int]int{}}
}

func (t *tally) add(req rawRequest, status int, problem string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.byStatus[status]++
	if t.byKind[req.kind] == nil {
		t.byKind[req.kind] = map[int]int{}
	}
	t.byKind[req.kind][status]++
	if problem != "" {
		t.nProblem++
		if len(t.problems) < 5 {
			head, _, _ := bytes.Cut(req.data, []byte("\r\n"))
			t.problems = append(t.problems, fmt.Sprintf("%.200q -> %s", head, problem))
		}
	}
}

func statusList(m map[int]int) string {
	codes := make([]int, 0, len(m))
	for c := range m {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	parts := make([]string, len(codes))
	for i, c := range codes {
		name := strconv.Itoa(c)
		if c == 0 {
			name = "no answer"
		}
		parts[i] = fmt.Sprintf("%s ×%d", name, m[c])
	}
	return strings.Join(parts, ", ")
}

func (t *tally) report(indent string) {
	fmt.Printf("%sanswers: %s\n", indent, statusList(t.byStatus))
	kinds := make([]string, 0, len(t.byKind))
	for k := range t.byKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		n := 0
		for _, c := range t.byKind[k] {
			n += c
		}
		fmt.Printf("%s  %-28s %5d: %s\n", indent, k, n, statusList(t.byKind[k]))
	}
}

// runRequests sends n requests made by newReq over workers connections
// (a new one for each request if newConnEach), checks each answer with
// check and counts them in tl. It returns how long they took.
func runRequests(addr string, n, workers int, newConnEach bool, newReq func(g gen) rawRequest, check func(rawRequest, answer) string, seed uint64, tl *tally) time.Duration {
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for w := range workers {
		wg.Go(func() {
			g := gen{rand.New(rand.NewPCG(seed, uint64(w)))}
			c := &rawConn{addr: addr}
			defer c.close()
			for next.Add(1) <= int64(n) {
				req := newReq(g)
				if newConnEach {
					c.close()
				}
				a, err := c.roundTrip(req)
				if err != nil && !newConnEach {
					// A kept-alive connection the server had just closed:
					// once more on a new one.
					a, err = c.roundTrip(req)
				}
				if err != nil {
					tl.add(req, 0, err.Error())
					continue
				}
				tl.add(req, a.status, check(req, a))
			}
		})
	}
	wg.Wait()
	return time.Since(start)
}

// checkLosantError returns what is wrong with a as the answer to a
// malformed request, or "".
func checkLosantError(req rawRequest, a answer) string {
	if a.status < 400 || a.status > 499 {
		return fmt.Sprintf("status %d, want a 4xx", a.status)
	}
	if mt, _, err := mime.ParseMediaType(a.header.Get("Content-Type")); err != nil || mt != "application/json" {
		return fmt.Sprintf("status %d with Content-Type %q, want application/json", a.status, a.header.Get("Content-Type"))
	}
	if req.method == http.MethodHead {
		return "" // no body, by HTTP's rules
	}
	var e map[string]any
	if err := json.Unmarshal(a.body, &e); err != nil {
		return fmt.Sprintf("status %d, body not JSON (%v): %.200q", a.status, err, a.body)
	}
	typ, _ := e["type"].(string)
	msg, _ := e["message"].(string)
	if len(e) != 2 || typ == "" || msg == "" {
		return fmt.Sprintf("status %d, body not Losant's {\"type\",\"message\"}: %.200q", a.status, a.body)
	}
	return ""
}

func malformedTest(t *testing.T, base *url.URL, seed uint64) {
	if *abuseRequests <= 0 {
		t.Skip("-abuse.requests=0")
	}
	tl := newTally()
	elapsed := runRequests(base.Host, *abuseRequests, *abuseWorkers, false, gen.malformed, checkLosantError, seed, tl)
	fmt.Printf("malformed: %d requests with random malformed methods, paths, IDs, tokens, queries and headers, over %d connections, in %v (%.0f/s)\n",
		*abuseRequests, *abuseWorkers, elapsed.Round(time.Millisecond), float64(*abuseRequests)/elapsed.Seconds())
	tl.report("  ")
	fmt.Printf("  not a Losant JSON 4xx: %d\n", tl.nProblem)
	if tl.nProblem > 0 {
		t.Errorf("%d of %d malformed requests did not get Losant's JSON 4xx; first: %s", tl.nProblem, *abuseRequests, strings.Join(tl.problems, "; "))
	}
}

// checkRefused returns what is wrong with a as net/http's answer to a
// request that is not valid HTTP, or "".
func checkRefused(_ rawRequest, a answer) string {
	if a.status != http.StatusBadRequest && a.status != http.StatusRequestHeaderFieldsTooLarge {
		return fmt.Sprintf("status %d, want net/http's 400 or 431", a.status)
	}
	if !a.closed {
		return "the connection was kept open after a request that is not HTTP"
	}
	return ""
}

func garbageTest(t *testing.T, base *url.URL, seed uint64) {
	if *abuseGarbage <= 0 {
		t.Skip("-abuse.garbage=0")
	}
	tl := newTally()
	elapsed := runRequests(base.Host, *abuseGarbage, *abuseWorkers, true, gen.garbage, checkRefused, seed+1, tl)
	fmt.Printf("garbage: %d requests that are not valid HTTP/1.1, refused by net/http before the handler (plain text, connection closed), in %v\n",
		*abuseGarbage, elapsed.Round(time.Millisecond))
	tl.report("  ")
	if tl.nProblem > 0 {
		t.Errorf("%d of %d invalid requests were not refused with a 4xx; first: %s", tl.nProblem, *abuseGarbage, strings.Join(tl.problems, "; "))
	}
}
