// Command losant reads Losant application job logs, waits for running jobs
// with a progress display, and runs a local Losant-compatible API.
//
//	losant demo                                      # offline tour: no token, no network
//	losant joblog get  --app ID --job ID [-o json|table]
//	losant joblog wait --app ID --job ID [--interval D] [--timeout D] [-o json|table]
//	losant serve [--listen 127.0.0.1:8080] [--data FILE] [--token TOKEN[=SCOPE,...]]...
//
// The API token comes from --token or $LOSANT_API_TOKEN, the API address
// from --url or $LOSANT_API_URL (default https://api.losant.com).
//
// Exit codes: 0 success; 1 API or network failure, or --timeout ran out;
// 2 usage error or invalid input (nothing was sent); 3 the waited job ended
// errored or failed; 130 interrupted (Ctrl-C) before it was done.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/losant-go/losant-go/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// After the first signal, give the default behaviour back: a second
	// Ctrl-C ends the process at once.
	go func() {
		<-ctx.Done()
		stop()
	}()
	code := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}
