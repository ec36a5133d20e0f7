package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"time"

	"github.com/losant-go/losant-go/api"
)

// shutdownTimeout bounds how long a stopping server waits for requests in
// flight before it closes their connections. The server's other timeouts
// are api.NewServer's defaults.
const shutdownTimeout = 5 * time.Second

// localServer is the local API served over HTTP on a listener of its own.
type localServer struct {
	srv  *http.Server
	url  string     // http://HOST:PORT
	done chan error // Serve's result, once it returns
}

// checkListenAddr refuses an address net.Listen could never take, so that
// a typo is a usage error rather than a network failure.
func checkListenAddr(addr string) error {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return usagef("invalid --listen %q: want HOST:PORT, such as 127.0.0.1:8080 (port 0 picks a free one): %v", addr, err)
	}
	return nil
}

// startServer listens on addr and serves h in a goroutine, with
// api.NewServer's timeouts and header limit. When it returns without
// error, the listener is accepting connections at url. Server errors (a
// failed TLS handshake, a panicking handler) go to errLog.
func startServer(ctx context.Context, addr string, h http.Handler, errLog io.Writer) (*localServer, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	s := &localServer{
		srv: api.NewServer(h, api.ServerOptions{
			ErrorLog: log.New(errLog, "losant: serve: ", 0),
		}),
		url:  "http://" + ln.Addr().String(),
		done: make(chan error, 1),
	}
	go func() { s.done <- s.srv.Serve(ln) }()
	return s, nil
}

// shutdown stops accepting connections, lets requests in flight finish
// for up to shutdownTimeout, then closes what is left.
func (s *localServer) shutdown() error {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if err != nil {
		_ = s.srv.Close()
		err = fmt.Errorf("serve: requests still running after %v were cut off: %w", shutdownTimeout, err)
	}
	if serr := <-s.done; !errors.Is(serr, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", serr)
	}
	return err
}

// serveUntil serves until ctx ends (SIGINT or SIGTERM in the real
// command) or the server fails, then shuts it down.
func (s *localServer) serveUntil(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return s.shutdown()
	case err := <-s.done:
		return fmt.Errorf("serve: %w", err)
	}
}
