// Command dlbench is the two halves of bench/download.sh: a loopback file
// server standing in for a storage host, and a client that saves a file
// with losant.Client.DownloadFile, so that the SDK and curl download the
// same file from the same server, each in its own process.
//
//	dlbench serve FILE       serve FILE on 127.0.0.1 and print its signed URL
//	dlbench get URL PATH     save URL to PATH (replacing it) and print the bytes
package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	losant "github.com/losant-go/losant-go"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: dlbench serve FILE | dlbench get URL PATH")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "serve":
		err = serve(os.Args[2])
	case "get":
		if len(os.Args) != 4 {
			err = fmt.Errorf("usage: dlbench get URL PATH")
			break
		}
		err = get(os.Args[2], os.Args[3])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "dlbench:", err)
		os.Exit(1)
	}
}

// serve answers GET /export.zip with the file (Range included, as storage
// hosts do) through http.ServeContent, which hands the *os.File to the
// kernel's sendfile: the server is not what the benchmark measures.
func serve(path string) error {
	if _, err := os.Stat(path); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Printf("http://%s/export.zip?X-Amz-Signature=bench\n", ln.Addr())
	return http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/export.zip" || r.Header.Get("Authorization") != "" {
			http.Error(w, "no", http.StatusForbidden)
			return
		}
		f, err := os.Open(path) // per request: requests may overlap
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
	}))
}

func get(url, path string) error {
	c, err := losant.NewClient(losant.WithToken("not-sent-to-storage"))
	if err != nil {
		return err
	}
	start := time.Now()
	n, err := c.DownloadFile(context.Background(), url, path, losant.WithOverwrite())
	if err != nil {
		return err
	}
	fmt.Printf("%d bytes in %v\n", n, time.Since(start).Round(time.Millisecond))
	return nil
}
