package api_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strings"

	"github.com/losant-go/losant-go/api"
)

// Serve the local API on a loopback port of its own, with the timeouts and
// limits that keep slow or hostile clients from tying it up, as
// `losant serve` does.
func ExampleNewServer() {
	h, err := api.NewHandler(api.Options{
		Tokens: map[string][]string{"dev-token": nil},
	})
	if err != nil {
		panic(err)
	}
	srv := api.NewServer(h, api.ServerOptions{
		ErrorLog: log.New(os.Stderr, "local api: ", 0), // everything else: the defaults
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0") // port 0: a free one
	if err != nil {
		panic(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	defer func() {
		_ = srv.Shutdown(context.Background()) // waits for requests in flight
		<-done
	}()
	fmt.Println(srv.ReadHeaderTimeout, srv.ReadTimeout, srv.WriteTimeout, srv.IdleTimeout, srv.MaxHeaderBytes)

	get := func(path string) {
		req, err := http.NewRequest(http.MethodGet, "http://"+ln.Addr().String()+path, nil)
		if err != nil {
			panic(err)
		}
		req.Header.Set("Authorization", "Bearer dev-token")
		req.Close = true // leave no idle connection behind
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		fmt.Println(resp.StatusCode, len(body) > 0 && body[0] == '{')
	}
	get("/applications/575ec8687ae143cd83dc4a97/jobLogs/575ec76c7ae143cd83dc4a96")
	get("/applications/575ec8687ae143cd83dc4a97/jobLogs/575ec76c7ae143cd83dc4a96?" + strings.Repeat("x", api.DefaultMaxQueryBytes+1))
	// Output:
	// 10s 30s 1m0s 2m0s 65536
	// 200 true
	// 414 true
}
