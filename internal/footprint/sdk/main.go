// Command sdk reads one job log with losant-go: the SDK side of the
// footprint comparison (see package footprint).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	losant "github.com/losant-go/losant-go"
)

func main() {
	measure := flag.Bool("measure", false, "print how long the process's first NewClient took, then exit")
	url := flag.String("url", "http://127.0.0.1:8080", "API base URL")
	flag.Parse()
	start := time.Now()
	client, err := losant.NewClient(losant.WithToken("hello"), losant.WithBaseURL(*url))
	took := time.Since(start)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if *measure {
		fmt.Println(took.Nanoseconds())
		return
	}
	log, err := client.ApplicationJobLog.Get(context.Background(), "575ec8687ae143cd83dc4a97", "575ec76c7ae143cd83dc4a96")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(log.GetStatus(), log.GetProgress().GetCompleted())
}
