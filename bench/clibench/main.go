// Command clibench is the helper of bench/cli_rss.sh, which measures the
// peak memory of the losant command's transfers:
//
//	clibench zip PATH SIZE_MIB   write an application zip of SIZE_MIB MiB
//	clibench export FILE         serve an API whose export answers at once
//
// "zip" writes what an export holds (application.json, one job log) and a
// stored (uncompressed) entry of random bytes making up the size: the
// local API imports the first two and counts the third as failed, after
// reading it through its zip-bomb check.
//
// "export" stands in for Losant: POST /applications/{id}/export answers
// 200 {"url": ...}, as Losant does for an export it finishes at once, and
// the URL serves FILE (Range included, through http.ServeContent) from the
// same loopback server, without a token. The local API's own exports are a
// few KiB, too small to show whether a download's memory stays flat; this
// serves any file. It prints its base URL on stdout.
package main

import (
	"archive/zip"
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
)

func main() {
	var err error
	switch {
	case len(os.Args) == 4 && os.Args[1] == "zip":
		var mib int64
		if mib, err = strconv.ParseInt(os.Args[3], 10, 64); err == nil {
			err = writeZip(os.Args[2], mib<<20)
		}
	case len(os.Args) == 3 && os.Args[1] == "export":
		err = serveExport(os.Args[2])
	default:
		err = fmt.Errorf("usage: clibench zip PATH SIZE_MIB | clibench export FILE")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "clibench:", err)
		os.Exit(1)
	}
}

// writeZip writes an application zip of about size bytes to path.
func writeZip(path string, size int64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	zw := zip.NewWriter(bw)
	small := map[string]any{
		"application.json": map[string]any{"id": "575ec8687ae143cd83dc4a97", "name": "Bench"},
		"jobLogs/575ec76c7ae143cd83dc4a96.json": map[string]any{
			"id": "575ec76c7ae143cd83dc4a96", "applicationId": "575ec8687ae143cd83dc4a97",
			"name": "ArchiveData", "status": "completed",
		},
	}
	for _, name := range []string{"application.json", "jobLogs/575ec76c7ae143cd83dc4a96.json"} {
		w, err := zw.Create(name)
		if err != nil {
			return err
		}
		if err := json.NewEncoder(w).Encode(small[name]); err != nil {
			return err
		}
	}
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "files/blob.bin", Method: zip.Store})
	if err != nil {
		return err
	}
	// Random bytes (ChaCha8, seeded: the same file every run) do not
	// compress, so the file is as large as asked.
	if _, err := io.CopyN(w, rand.NewChaCha8([32]byte{}), size); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// serveExport serves the stand-in API on a free loopback port.
func serveExport(path string) error {
	if _, err := os.Stat(path); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	fmt.Println(base)
	return http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/applications/") && strings.HasSuffix(r.URL.Path, "/export"):
			if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
				http.Error(w, `{"type":"Unauthorized"}`, http.StatusUnauthorized)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"url":%q}`, base+"/export.zip?X-Amz-Signature=bench")
		case r.Method == http.MethodGet && r.URL.Path == "/export.zip":
			if r.Header.Get("Authorization") != "" {
				http.Error(w, "the token reached the storage host", http.StatusForbidden)
				return
			}
			f, err := os.Open(path)
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			defer f.Close()
			fi, err := f.Stat()
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			http.ServeContent(w, r, "export.zip", fi.ModTime(), f)
		default:
			http.NotFound(w, r)
		}
	}))
}
