package cli

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/schollz/progressbar/v3"

	losant "github.com/losant-go/losant-go"
	"github.com/losant-go/losant-go/internal/ops"
)

// openZip opens the --file of an import and checks, before anything is
// sent, that it is a zip archive: archive/zip reads its central directory
// (at the end of the file; the entries are not read). The file is
// returned at its start, to be streamed as the upload.
func openZip(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, usagef("invalid --file %s: %v", path, err)
	}
	st, err := f.Stat()
	switch {
	case err != nil:
		f.Close()
		return nil, usagef("invalid --file %s: %v", path, err)
	case !st.Mode().IsRegular():
		f.Close()
		return nil, usagef("invalid --file %s: not a regular file; give an application export zip", path)
	}
	if _, err := zip.NewReader(f, st.Size()); err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		f.Close()
		return nil, usagef("invalid --file %s: not a zip archive (%v); give an application export zip, such as \"losant application export --save\" writes", path, err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, usagef("invalid --file %s: %v", path, err)
	}
	return f, nil
}

// parseDate reads --date: milliseconds since the epoch, or an RFC 3339
// date-time or date (midnight UTC), as the API's query dates are read.
// It returns the epoch milliseconds the API wants, as a decimal string.
func parseDate(s string) (string, error) {
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil && ms >= 0 {
		return strconv.FormatInt(ms, 10), nil
	}
	if t, ok := ops.ParseTime(s); ok && t.UnixMilli() >= 0 {
		return strconv.FormatInt(t.UnixMilli(), 10), nil
	}
	return "", usagef("invalid --date %q: want an RFC 3339 date or time (2025-06-10, 2025-06-10T04:00:00Z) or milliseconds since the epoch (1749513600000)", s)
}

// saveOutput downloads the file a completed job produced (an export's
// zip) to path, with its progress on stderr: atomically, resuming a cut
// transfer, never sending the token to the download host (the SDK's
// DownloadFile). It says on stderr where the file went.
func (a *app) saveOutput(ctx context.Context, c *losant.Client, log *losant.ApplicationJobLog, path string, force bool) error {
	url, err := losant.OutputURL(log)
	if err != nil {
		return err
	}
	p := a.newByteProgress("download")
	opts := []losant.DownloadOption{losant.WithDownloadProgress(p.update)}
	if force {
		opts = append(opts, losant.WithOverwrite())
	}
	n, err := c.DownloadFile(ctx, url, path, opts...)
	p.done()
	if err != nil {
		return fmt.Errorf("saving the export to %s: %w", path, err)
	}
	fmt.Fprintf(a.stderr, "saved %s (%d bytes)\n", path, n)
	return nil
}

// byteProgress shows a transfer's progress on stderr: a bar when stderr
// is a terminal, otherwise a line at each tenth of the file (or each 64
// MiB when its size is unknown) and at the end.
type byteProgress struct {
	a     *app
	what  string
	bar   *progressbar.ProgressBar
	total int64
	step  int64 // the last step printed, in lines mode
	last  int64
}

// byteStep is how often lines mode reports a transfer of unknown size.
const byteStep = 64 << 20

func (a *app) newByteProgress(what string) *byteProgress {
	return &byteProgress{a: a, what: what, step: -1}
}

func (p *byteProgress) update(done, total int64) {
	p.last = done
	if p.a.isTerminal(p.a.stderr) {
		if p.bar == nil || total != p.total {
			if p.bar != nil {
				_ = p.bar.Exit()
			}
			p.total = total
			p.bar = progressbar.NewOptions64(total,
				progressbar.OptionSetWriter(p.a.stderr),
				progressbar.OptionSetDescription(p.what),
				progressbar.OptionShowBytes(true),
				progressbar.OptionShowCount(),
				progressbar.OptionSetWidth(30),
				progressbar.OptionSetSpinnerChangeInterval(0),
				progressbar.OptionOnCompletion(func() { fmt.Fprintln(p.a.stderr) }),
			)
		}
		_ = p.bar.Set64(done)
		return
	}
	p.total = total
	var step int64
	if total > 0 {
		step = done * 10 / total
	} else {
		step = done / byteStep
	}
	if step != p.step {
		p.step = step
		p.line()
	}
}

func (p *byteProgress) line() {
	if p.total > 0 {
		fmt.Fprintf(p.a.stderr, "%s %d%% (%d of %d bytes)\n", p.what, p.last*100/p.total, p.last, p.total)
		return
	}
	fmt.Fprintf(p.a.stderr, "%s %d bytes\n", p.what, p.last)
}

// done ends the display where the transfer got to.
func (p *byteProgress) done() {
	if p.bar != nil {
		if p.total > 0 && p.last == p.total {
			_ = p.bar.Finish()
		} else {
			_ = p.bar.Exit()
		}
	}
}
