// Command floor reads one job log with net/http and encoding/json alone:
// the baseline of the footprint comparison (see package footprint).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
)

type jobLog struct {
	Status   string `json:"status"`
	Progress struct {
		Completed float64 `json:"completed"`
	} `json:"progress"`
}

func main() {
	url := flag.String("url", "http://127.0.0.1:8080", "API base URL")
	flag.Parse()
	req, err := http.NewRequest(http.MethodGet, *url+"/applications/575ec8687ae143cd83dc4a97/jobLogs/575ec76c7ae143cd83dc4a96", nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	req.Header.Set("Authorization", "Bearer hello")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer resp.Body.Close()
	var log jobLog
	if err := json.NewDecoder(resp.Body).Decode(&log); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(log.Status, log.Progress.Completed)
}
