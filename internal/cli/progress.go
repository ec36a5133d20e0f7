package cli

import (
	"fmt"
	"io"

	"github.com/schollz/progressbar/v3"

	losant "github.com/losant-go/losant-go"
	"github.com/losant-go/losant-go/internal/text"
)

// progress shows a waited job's progress on stderr.
type progress interface {
	// update is called with the job log after every poll.
	update(log *losant.ApplicationJobLog)
	// done ends the display, wherever the job got to.
	done()
}

// newProgress picks a progress bar when stderr is a terminal and plain
// lines otherwise (a log file, CI, a pipe).
func (a *app) newProgress() progress {
	if a.isTerminal(a.stderr) {
		return &barProgress{w: a.stderr}
	}
	return &lineProgress{w: a.stderr}
}

// progressLine describes where a job is, as in
// "inProgress 40/100 (40%) - Archiving devices".
func progressLine(log *losant.ApplicationJobLog) string {
	s := string(log.GetStatus())
	if s == "" {
		s = "unknown"
	}
	if p := log.Progress; p != nil {
		if c := progressCounts(p); c != "" {
			s += " " + c
		}
		if step := p.GetStatus(); step != "" {
			s += " - " + text.SingleLine(step)
		}
	}
	return s
}

// lineProgress prints "status <where the job is>" each time that changes.
type lineProgress struct {
	w    io.Writer
	last string
}

func (p *lineProgress) update(log *losant.ApplicationJobLog) {
	if line := progressLine(log); line != p.last {
		p.last = line
		fmt.Fprintln(p.w, "status", line)
	}
}

func (p *lineProgress) done() {}

// barProgress draws a progress bar of progress.completed out of
// progress.total, with the status as its description. It is created at the
// first poll, when the total is known (a spinner until then).
type barProgress struct {
	w     io.Writer
	bar   *progressbar.ProgressBar
	max   int64
	ended bool
}

func (p *barProgress) update(log *losant.ApplicationJobLog) {
	if p.ended {
		return
	}
	status := string(log.GetStatus())
	desc := fmt.Sprintf("%-10s", status)
	total, completed := int64(-1), int64(0)
	if pr := log.Progress; pr != nil {
		if pr.Total != nil && *pr.Total >= 1 {
			total = int64(*pr.Total)
		}
		if pr.Completed != nil && *pr.Completed > 0 {
			completed = int64(*pr.Completed)
		}
	}
	if total > 0 {
		completed = min(completed, total)
	}
	if p.bar == nil {
		p.max = total
		p.bar = progressbar.NewOptions64(total,
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetDescription(desc),
			progressbar.OptionShowCount(),
			progressbar.OptionSetWidth(30),
			progressbar.OptionSetElapsedTime(true),
			progressbar.OptionSetPredictTime(true),
			// 0: no goroutine of its own redrawing a spinner.
			progressbar.OptionSetSpinnerChangeInterval(0),
			progressbar.OptionSetRenderBlankState(true),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(p.w) }),
		)
	} else {
		if total != p.max {
			p.max = total
			p.bar.ChangeMax64(total)
		}
		p.bar.Describe(desc)
	}
	_ = p.bar.Set64(completed)
	if !log.Finished() {
		return
	}
	p.ended = true
	if log.GetStatus() == losant.ApplicationJobLogStatusCompleted {
		_ = p.bar.Finish() // draws the full bar, then the newline
		return
	}
	_ = p.bar.Exit() // leaves the bar where the job stopped
}

func (p *barProgress) done() {
	if p.bar != nil && !p.ended {
		p.ended = true
		_ = p.bar.Exit()
	}
}
