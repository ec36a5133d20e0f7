// Command memserver serves the job logs of scripts/memory.sh on loopback:
// bodies made of many validation errors and download URLs, of a given size,
// with a Content-Length or chunked. It is not part of the module's packages
// (testdata is left out of ./...); the script builds it by path.
//
// Every GET under /{mode}/ answers a job log whose size and framing {mode}
// names:
//
//	/under/...    a valid job log of -under bytes, with a Content-Length
//	/cl/...       -huge bytes, with a Content-Length
//	/chunked/...  -huge bytes, chunked (no Content-Length)
//	/empty/...    -under bytes of nothing but empty validation errors
//	              ({},{},...: the worst case per body byte), with a
//	              Content-Length
//
// It prints its base URL on stdout once it listens, and how many bytes of
// each body it managed to write on stderr.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"

	losant "github.com/losant-go/losant-go"
)

func main() {
	under := flag.Int64("under", losant.DefaultMaxResponseBytes-4096, "size of the accepted body (default: just under the default cap)")
	huge := flag.Int64("huge", 256<<20, "size of the refused bodies")
	flag.Parse()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("http://%s\n", ln.Addr())
	http.HandleFunc("GET /{mode}/applications/{app}/jobLogs/{job}", func(w http.ResponseWriter, r *http.Request) {
		size, chunked := *huge, false
		switch r.PathValue("mode") {
		case "under", "empty":
			size = *under
		case "cl":
		case "chunked":
			chunked = true
		default:
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		if !chunked {
			w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
		}
		cw := &countingWriter{w: w}
		bw := bufio.NewWriterSize(cw, 64<<10)
		write := writeJobLog
		if r.PathValue("mode") == "empty" {
			write = writeEmptyItems
		}
		err := write(bw, size)
		if err == nil {
			err = bw.Flush()
		}
		fmt.Fprintf(os.Stderr, "memserver: %s: wrote %d of %d bytes (%v)\n", r.URL.Path, cw.n, size, err)
	})
	log.Fatal(http.Serve(ln, nil))
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// writeJobLog writes a valid job log of exactly size bytes (at least about
// 1 KiB): a finished device import whose output holds one download URL per
// KiB and validation errors for the rest, as bench_test.go's jobLogOfSize
// builds them, padded with spaces to the exact size.
func writeJobLog(w io.Writer, size int64) error {
	const head = `{"id":"575ec76c7ae143cd83dc4a96","jobId":"575ec76c7ae143cd83dc4a90","name":"ImportDevices",` +
		`"applicationId":"575ec8687ae143cd83dc4a97","runQueuedAt":"2025-06-10T04:00:00.000Z",` +
		`"runStartedAt":"2025-06-10T04:00:01.007Z","runCompletedAt":"2025-06-10T06:07:42.123Z","status":"completed",` +
		`"progress":{"completed":9007199254740991,"total":9007199254740991},` +
		`"output":{"created":1749528000123,"failed":6000,"downloadUrls":[`
	const mid, tail = `],"validationErrors":[`, `]}}`
	n, err := io.WriteString(w, head)
	left := size - int64(n) - int64(len(mid)) - int64(len(tail))
	urls := size >> 10 // about one URL (100 bytes) per KiB: a tenth of the body
	for i := int64(0); err == nil && i < urls; i++ {
		s := fmt.Sprintf(`"https://files.example.com/applications/575ec8687ae143cd83dc4a97/archive/2025-06-10/part-%07d.csv.gz"`, i)
		if i > 0 {
			s = "," + s
		}
		if int64(len(s)) > left {
			break
		}
		n, err = io.WriteString(w, s)
		left -= int64(n)
	}
	if err == nil {
		_, err = io.WriteString(w, mid)
	}
	for i := int64(0); err == nil; i++ {
		s := fmt.Sprintf(`{"type":"device","name":"Thermostat %d","id":"575ec8687ae143cd8%07x",`+
			`"message":"attribute \"temp\" is missing on row %d of the import file"}`, i, i&0xfffffff, i+2)
		if i > 0 {
			s = "," + s
		}
		if int64(len(s)) > left {
			break
		}
		n, err = io.WriteString(w, s)
		left -= int64(n)
	}
	for err == nil && left > 0 {
		n, err = io.WriteString(w, strings.Repeat(" ", int(min(left, 1024))))
		left -= int64(n)
	}
	if err == nil {
		_, err = io.WriteString(w, tail)
	}
	return err
}

// writeEmptyItems writes a valid job log of exactly size bytes whose output
// holds nothing but empty validation errors.
func writeEmptyItems(w io.Writer, size int64) error {
	const head, tail = `{"output":{"validationErrors":[{}`, `]}}`
	n, err := io.WriteString(w, head)
	left := size - int64(n) - int64(len(tail))
	items := []byte(strings.Repeat(",{}", 1024))
	for err == nil && left >= 3 {
		n, err = w.Write(items[:min(int64(len(items)), left/3*3)])
		left -= int64(n)
	}
	if err == nil {
		_, err = io.WriteString(w, strings.Repeat(" ", int(left))+tail)
	}
	return err
}
