// Command ulbench is the two halves of bench/upload.sh: a loopback sink
// standing in for Losant's import endpoint, and a client that uploads a
// file with losant.Client.Application.Import, so that the SDK and
// `curl -F importBundle=@FILE` send the same file to the same server, each
// in its own process.
//
//	ulbench serve             listen on 127.0.0.1 and print the API's base URL
//	ulbench put URL FILE      import FILE through the SDK and print the job id
//
// The sink reads the multipart body part by part and discards it, counting
// the importBundle part's bytes and its CRC-32 (hardware-assisted, a few
// tens of milliseconds per 256 MiB), and answers Losant's 202
// jobEnqueuedResult. GET /last answers what the last import carried
// ({"bytes": N, "crc32": C, "contentLength": L}), so that the script checks
// both clients sent the whole file. The sink does not do the local API's
// work (writing the bundle to disk, checking the zip): the benchmark
// measures the client, not the server.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"net"
	"net/http"
	"os"
	"sync/atomic"
	"time"

	losant "github.com/losant-go/losant-go"
)

const (
	token = "bench-token"
	appID = "575ec8687ae143cd83dc4a97"
)

func main() {
	var err error
	switch {
	case len(os.Args) == 2 && os.Args[1] == "serve":
		err = serve()
	case len(os.Args) == 4 && os.Args[1] == "put":
		err = put(os.Args[2], os.Args[3])
	default:
		err = fmt.Errorf("usage: ulbench serve | ulbench put URL FILE")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ulbench:", err)
		os.Exit(1)
	}
}

// receipt is what the sink received of the last import: the importBundle
// part's size and CRC-32, and the request's Content-Length (-1: chunked).
type receipt struct {
	Bytes         int64  `json:"bytes"`
	CRC32         uint32 `json:"crc32"`
	ContentLength int64  `json:"contentLength"`
}

func serve() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Printf("http://%s\n", ln.Addr())
	path := "/applications/" + appID + "/import"
	var last atomic.Pointer[receipt]
	return http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/last" {
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(last.Load())
			return
		}
		if r.Method != http.MethodPost || r.URL.Path != path || r.Header.Get("Authorization") != "Bearer "+token {
			http.Error(w, "want POST "+path+" with the bench token", http.StatusForbidden)
			return
		}
		mr, err := r.MultipartReader()
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		rc := receipt{Bytes: -1, ContentLength: r.ContentLength}
		buf := make([]byte, 256<<10)
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			h := crc32.NewIEEE()
			n, err := io.CopyBuffer(h, part, buf)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			if part.FormName() == "importBundle" {
				rc.Bytes, rc.CRC32 = n, h.Sum32()
			}
		}
		last.Store(&rc)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusAccepted)
		_, _ = io.WriteString(w, `{"jobId":"575ec76c7ae143cd83dc4a96","jobQueued":true,"success":true}`)
	}))
}

// put imports the file through the SDK with its default HTTP client (the
// *os.File gives the request its Content-Length up front) and prints the
// job id of the 202.
func put(url, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	c, err := losant.NewClient(losant.WithToken(token), losant.WithBaseURL(url))
	if err != nil {
		return err
	}
	start := time.Now()
	res, err := c.Application.Import(context.Background(), appID, &losant.ApplicationImportForm{
		ImportBundle: f, ImportBundleName: "export.zip",
	})
	if err != nil {
		return err
	}
	if res.JSON202 == nil || res.JSON202.JobID == nil {
		return fmt.Errorf("import answered %d without a job id", res.StatusCode)
	}
	fmt.Printf("job %s in %v\n", *res.JSON202.JobID, time.Since(start).Round(time.Millisecond))
	return nil
}
