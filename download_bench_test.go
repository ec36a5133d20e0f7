package losant_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	losant "github.com/losant-go/losant-go"
)

// BenchmarkDownload measures Client.Download against the hand-written
// floor, http.Get and io.Copy with Go's default 32 KiB buffer and no
// checks, both into io.Discard from the same in-process loopback server
// (a file that costs no memory). bench/download.sh compares DownloadFile
// with curl across processes; this shows, in one run, what the checks,
// the resume bookkeeping and the redaction cost on top of a bare copy:
//
//	go test -run '^$' -bench BenchmarkDownload -count 10 . | tee dl.txt
//	go tool benchstat -col /impl dl.txt
func BenchmarkDownload(b *testing.B) {
	const size = 32 << 20
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.ServeContent(w, r, "app.zip", time.Time{}, &patternFile{size: size})
	}))
	defer srv.Close()
	url := srv.URL + signedPath + signedQ
	c, err := losant.NewClient(losant.WithToken(testToken))
	if err != nil {
		b.Fatal(err)
	}
	defer c.CloseIdleConnections()
	floor := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	defer floor.CloseIdleConnections()
	impls := []struct {
		name string
		get  func() (int64, error)
	}{
		{"sdk", func() (int64, error) { return c.Download(context.Background(), url, io.Discard) }},
		{"floor", func() (int64, error) {
			resp, err := floor.Get(url)
			if err != nil {
				return 0, err
			}
			defer resp.Body.Close()
			return io.Copy(io.Discard, resp.Body)
		}},
	}
	for _, impl := range impls {
		b.Run(fmt.Sprintf("size=32MiB/impl=%s", impl.name), func(b *testing.B) {
			b.SetBytes(size)
			for b.Loop() {
				n, err := impl.get()
				if err != nil || n != size {
					b.Fatalf("%d bytes, %v", n, err)
				}
			}
		})
	}
}
