package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	losant "github.com/losant-go/losant-go"
	"github.com/losant-go/losant-go/internal/text"
)

// writeJobLog prints log in the chosen format.
func writeJobLog(w io.Writer, f outputFormat, log *losant.ApplicationJobLog) error {
	if f == outputJSON {
		return writeJSON(w, log)
	}
	return writeTable(w, log)
}

// timeLayout prints timestamps as Losant sends them: UTC, with milliseconds
// (Go's own time.Time encoding drops trailing zero milliseconds).
const timeLayout = "2006-01-02T15:04:05.000Z07:00"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// writeJSON prints log as one indented JSON object and a newline, its keys
// in order and its timestamps in Losant's format.
func writeJSON(w io.Writer, log *losant.ApplicationJobLog) error {
	raw, err := json.Marshal(log)
	if err != nil {
		return err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return err
	}
	for key, t := range map[string]*time.Time{
		"runQueuedAt": log.RunQueuedAt, "runStartedAt": log.RunStartedAt, "runCompletedAt": log.RunCompletedAt,
	} {
		if t != nil {
			fields[key] = json.RawMessage(strconv.Quote(formatTime(*t)))
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(fields)
}

// writeTable prints log as aligned key/value rows, leaving out fields the
// log does not carry. The few fixed rows are gathered first to find the
// key column's width; the rows a log can hold without bound (download URLs,
// validation errors) are then written one by one through a small buffer,
// never gathered: text/tabwriter would hold the whole table, several times
// the size of a large job log, before printing a line.
func writeTable(w io.Writer, log *losant.ApplicationJobLog) error {
	type kv struct{ key, value string }
	var rows []kv
	row := func(key, value string) {
		if value != "" {
			rows = append(rows, kv{key, text.SingleLine(value)})
		}
	}
	row("ID", log.GetID())
	row("Name", log.GetName())
	row("Application", log.GetApplicationID())
	row("Job", log.GetJobID())
	row("Job execution", log.GetJobExecutionID())
	row("Status", string(log.GetStatus()))
	if p := log.Progress; p != nil {
		row("Progress", progressCounts(p))
		row("Progress step", p.GetStatus())
	}
	row("Queued at", timeStr(log.GetRunQueuedAt()))
	row("Started at", timeStr(log.GetRunStartedAt()))
	row("Completed at", timeStr(log.GetRunCompletedAt()))
	if log.RunStartedAt != nil && log.RunCompletedAt != nil {
		row("Duration", log.GetRunCompletedAt().Sub(log.GetRunStartedAt()).String())
	}
	if e := log.Error; e != nil {
		row("Error", strings.TrimPrefix(e.GetName()+": "+e.GetMessage(), ": "))
	}
	row("Requested by", typedID(string(log.GetRequestedByType()), log.GetRequestedByID()))
	row("Owner", typedID(string(log.GetOwnerType()), log.GetOwnerID()))
	row("Resource", typedID(string(log.GetResourceType()), log.GetResourceID()))
	if in := log.Input; in != nil {
		row("Input start", msTime(in.Start))
		row("Input end", msTime(in.End))
		row("Input file", in.GetFileURL())
		row("Input query", in.GetQuery())
		row("Input emails", strings.Join(in.GetEmails(), ", "))
		row("Input callback", in.GetCallbackURL())
	}
	out := log.GetOutput()
	if out != nil {
		row("Output counters", outputCounters(out))
		row("Output application", out.GetApplicationID())
		row("Output repository", out.GetRepoURL())
		row("Output commit", out.GetCommit())
	}
	urls, verrs := out.GetDownloadURLs(), out.GetValidationErrors()

	width := 0
	for _, r := range rows {
		width = max(width, len(r.key))
	}
	if n := len(urls); n > 0 {
		width = max(width, len("Download ")+len(strconv.Itoa(n)))
	}
	if n := len(verrs); n > 0 {
		width = max(width, len("Validation error ")+len(strconv.Itoa(n)))
	}
	bw := bufio.NewWriter(w)
	line := func(key, value string) {
		if value == "" {
			return
		}
		bw.WriteString(key)
		for range width - len(key) + 2 {
			bw.WriteByte(' ')
		}
		bw.WriteString(value)
		bw.WriteByte('\n')
	}
	for _, r := range rows {
		line(r.key, r.value)
	}
	for i, u := range urls {
		line("Download "+strconv.Itoa(i+1), text.SingleLine(u))
	}
	for i := range verrs {
		line("Validation error "+strconv.Itoa(i+1), text.SingleLine(validationError(&verrs[i])))
	}
	return bw.Flush()
}

// progressCounts writes progress as "completed/total (percent%)".
func progressCounts(p *losant.ApplicationJobLogProgress) string {
	if p.Completed == nil && p.Total == nil {
		return ""
	}
	done, total := num(p.Completed), num(p.Total)
	if total == "" {
		return done + "/?"
	}
	if done == "" {
		done = "0"
	}
	s := done + "/" + total
	if *p.Total > 0 && p.Completed != nil {
		s += fmt.Sprintf(" (%d%%)", int(*p.Completed / *p.Total * 100))
	}
	return s
}

// outputCounters lists the output's counters that are present, such as
// "written 1200, failed 3".
func outputCounters(o *losant.ApplicationJobLogOutput) string {
	var parts []string
	for _, c := range []struct {
		name string
		v    *float64
	}{
		{"created", o.Created}, {"written", o.Written}, {"restored", o.Restored},
		{"removed", o.Removed}, {"failed", o.Failed},
		{"skipped (device not found)", o.SkippedDeviceNotFound},
		{"skipped (invalid date)", o.SkippedInvalidDate},
		{"skipped (date in future)", o.SkippedDateInFuture},
		{"skipped (date too old)", o.SkippedDateTooOld},
		{"skipped (no valid attributes)", o.SkippedNoValidAttributes},
	} {
		if c.v != nil {
			parts = append(parts, c.name+" "+num(c.v))
		}
	}
	if o.NoChanges != nil && *o.NoChanges {
		parts = append(parts, "no changes")
	}
	return strings.Join(parts, ", ")
}

func validationError(v *losant.ApplicationJobLogValidationError) string {
	var parts []string
	for _, s := range []string{v.GetType(), v.GetName(), v.GetID(), v.GetMessage()} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ": ")
}

// num prints a counter without a fraction when it has none.
func num(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'f', -1, 64)
}

// timeStr prints a timestamp, or "" for the zero time a getter gives for
// an absent one.
func timeStr(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return formatTime(t)
}

// msTime prints milliseconds since the epoch as a timestamp.
func msTime(ms *float64) string {
	if ms == nil {
		return ""
	}
	return formatTime(time.UnixMilli(int64(*ms)))
}

func typedID(kind, id string) string {
	return strings.TrimSpace(kind + " " + id)
}

// maxIndented is the largest object writeRawJSON indents. Indenting
// builds a second copy of the object, several times its size when it
// holds many small values; a larger object is printed as it arrived, on
// one line, so printing never costs more than the body itself.
const maxIndented = 1 << 20

// writeRawJSON prints one JSON object as it arrived on its own line: key
// order, numbers and timestamps untouched; indented when it is at most
// maxIndented bytes.
func writeRawJSON(w io.Writer, raw []byte) error {
	if err := writeIndented(w, raw, ""); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// writeIndented writes raw, a JSON value, indented by two spaces a level
// with every line after the first starting with prefix (the depth it is
// written at), as json.MarshalIndent would place it; a value over
// maxIndented bytes is written as it arrived. Every JSON output of the
// command indents this way, so get, list and demo print alike.
func writeIndented(w io.Writer, raw []byte, prefix string) error {
	if len(raw) > maxIndented {
		_, err := w.Write(raw)
		return err
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, prefix, "  "); err != nil {
		return err
	}
	_, err := buf.WriteTo(w)
	return err
}
