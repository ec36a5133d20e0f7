package main

import (
	"bufio"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// runMainEnv makes the test binary act as the losant command, so the
// tests below run the real main, signals and exit codes included, without
// building anything.
const runMainEnv = "LOSANT_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		main()
		return
	}
	goleak.VerifyTestMain(m)
}

const testToken = "tok-main-5b8e2c1d0a9f8e7d6c5b4a3928171605"

// command returns the losant command run as a process with args.
func command(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), os.Args[0], args...)
	cmd.Env = append(os.Environ(), runMainEnv+"=1", "LOSANT_API_TOKEN=", "LOSANT_API_URL=")
	return cmd
}

func exitCode(t *testing.T, err error) int {
	t.Helper()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.ExitCode()
	}
	t.Fatal(err)
	return -1
}

// TestServeStopsOnSignal runs serve as a process, reads its one line, asks
// it for a job log and stops it with SIGINT or SIGTERM: it must exit 0.
func TestServeStopsOnSignal(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd := command(t, "serve", "--listen", "127.0.0.1:0", "--token", testToken+"=applicationJobLog.get")
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			lines := bufio.NewScanner(stderr)
			if !lines.Scan() {
				t.Fatalf("no line on stderr: %v", cmd.Wait())
			}
			url, ok := strings.CutPrefix(lines.Text(), "listening on ")
			if !ok {
				t.Fatalf("first stderr line %q", lines.Text())
			}

			tr := &http.Transport{}
			defer tr.CloseIdleConnections()
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, url+"/applications/575ec8687ae143cd83dc4a97/jobLogs/575ec76c7ae143cd83dc4a96", nil)
			req.Header.Set("Authorization", "Bearer "+testToken)
			resp, err := (&http.Client{Transport: tr}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"status":"completed"`) {
				t.Errorf("GET through serve: %d %s", resp.StatusCode, body)
			}

			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			rest, _ := io.ReadAll(stderr)
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				if code := exitCode(t, err); code != 0 {
					t.Errorf("exit %d after %v, want 0; stderr: %s", code, sig, rest)
				}
			case <-time.After(10 * time.Second):
				_ = cmd.Process.Kill()
				t.Fatalf("serve did not stop within 10s of %v", sig)
			}
			if len(rest) != 0 {
				t.Errorf("stderr after the listening line: %q", rest)
			}
		})
	}
}

// TestInterruptExits130 interrupts a demo while it waits for its job: the
// process exits 130, as a shell reports a command ended by Ctrl-C.
func TestInterruptExits130(t *testing.T) {
	cmd := command(t, "demo", "--duration", "1m")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stdout)
	for lines.Scan() && !strings.HasPrefix(lines.Text(), "$ losant joblog wait") {
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, stdout)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if code := exitCode(t, err); code != 130 {
			t.Errorf("exit %d after SIGINT, want 130; stderr: %s", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("the demo did not stop within 10s of SIGINT")
	}
	if !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("stderr does not say it was interrupted: %q", stderr.String())
	}
}

// TestExitCodes checks the process's exit codes end to end.
func TestExitCodes(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
	}{
		{"demo", []string{"demo", "--duration", "500ms"}, 0, "Status           completed"},
		{"demo, job errored", []string{"demo", "--duration", "300ms", "--outcome", "errored"}, 3, "errored"},
		{"unknown flag", []string{"joblog", "get", "--bogus"}, 2, ""},
		{"missing token", []string{"joblog", "get", "--app", "575ec8687ae143cd83dc4a97", "--job", "575ec76c7ae143cd83dc4a96"}, 2, ""},
		{"version", []string{"--version"}, 0, "losant version"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr strings.Builder
			cmd := command(t, tt.args...)
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if code := exitCode(t, cmd.Run()); code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, stdout.String(), stderr.String())
			}
			if !strings.Contains(stdout.String(), tt.stdout) {
				t.Errorf("stdout does not hold %q:\n%s", tt.stdout, stdout.String())
			}
			if tt.code == 2 && strings.Count(stderr.String(), "\n") != 1 {
				t.Errorf("want one line on stderr: %q", stderr.String())
			}
		})
	}
}
