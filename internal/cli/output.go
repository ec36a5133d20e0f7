package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	losant "github.com/losant-go/losant-go"
)

// outputFormat is the value of -o: how a job log is printed on stdout.
type outputFormat string

const (
	outputTable outputFormat = "table"
	outputJSON  outputFormat = "json"
)

func (o *outputFormat) String() string { return string(*o) }
func (o *outputFormat) Type() string   { return "format" }

// Set accepts table or json.
func (o *outputFormat) Set(v string) error {
	switch f := outputFormat(strings.ToLower(v)); f {
	case outputTable, outputJSON:
		*o = f
		return nil
	}
	return fmt.Errorf("want table or json, not %q", v)
}

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
// log does not carry.
func writeTable(w io.Writer, log *losant.ApplicationJobLog) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	row := func(key, value string) {
		if value != "" {
			fmt.Fprintf(tw, "%s\t%s\n", key, oneLine(value))
		}
	}
	row("ID", str(log.ID))
	row("Name", str(log.Name))
	row("Application", str(log.ApplicationID))
	row("Job", str(log.JobID))
	row("Job execution", str(log.JobExecutionID))
	row("Status", str(log.Status))
	if p := log.Progress; p != nil {
		row("Progress", progressCounts(p))
		row("Progress step", str(p.Status))
	}
	row("Queued at", timeStr(log.RunQueuedAt))
	row("Started at", timeStr(log.RunStartedAt))
	row("Completed at", timeStr(log.RunCompletedAt))
	if log.RunStartedAt != nil && log.RunCompletedAt != nil {
		row("Duration", log.RunCompletedAt.Sub(*log.RunStartedAt).String())
	}
	if e := log.Error; e != nil {
		row("Error", strings.TrimPrefix(str(e.Name)+": "+str(e.Message), ": "))
	}
	row("Requested by", typedID(str(log.RequestedByType), str(log.RequestedByID)))
	row("Owner", typedID(str(log.OwnerType), str(log.OwnerID)))
	row("Resource", typedID(str(log.ResourceType), str(log.ResourceID)))
	if in := log.Input; in != nil {
		row("Input start", msTime(in.Start))
		row("Input end", msTime(in.End))
		row("Input file", str(in.FileURL))
		row("Input query", str(in.Query))
		if in.Emails != nil {
			row("Input emails", strings.Join(*in.Emails, ", "))
		}
		row("Input callback", str(in.CallbackURL))
	}
	if out := log.Output; out != nil {
		row("Output counters", outputCounters(out))
		row("Output repository", str(out.RepoURL))
		row("Output commit", str(out.Commit))
		if out.DownloadURLs != nil {
			for i, u := range *out.DownloadURLs {
				row(fmt.Sprintf("Download %d", i+1), u)
			}
		}
		if out.ValidationErrors != nil {
			for i, v := range *out.ValidationErrors {
				row(fmt.Sprintf("Validation error %d", i+1), validationError(v))
			}
		}
	}
	return tw.Flush()
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

func validationError(v losant.ApplicationJobLogValidationError) string {
	var parts []string
	for _, p := range []*string{v.Type, v.Name, v.ID, v.Message} {
		if s := str(p); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ": ")
}

// str dereferences a string-like pointer, "" for nil.
func str[T ~string](p *T) string {
	if p == nil {
		return ""
	}
	return string(*p)
}

// num prints a counter without a fraction when it has none.
func num(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'f', -1, 64)
}

func timeStr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return formatTime(*t)
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

// oneLine keeps a value from breaking the table or the terminal: control
// characters (newlines, tabs, escape sequences a server might send) become
// spaces.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}

// writeRawJSON prints one JSON object as it arrived, indented, on its own
// line: key order, numbers and timestamps untouched.
func writeRawJSON(w io.Writer, raw []byte) error {
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		return err
	}
	buf.WriteByte('\n')
	_, err := buf.WriteTo(w)
	return err
}
