package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	losant "github.com/losant-go/losant-go"
	"github.com/losant-go/losant-go/internal/text"
)

// maxPageSize is the largest perPage the API accepts (openapi.yaml).
const maxPageSize = 1000

// The values --sort, --order and --status accept and complete, from the
// SDK's generated enums.
var (
	sortFields     = losant.ApplicationJobLogSortFieldValues()
	sortDirections = losant.SortDirectionValues()
	jobStatuses    = losant.ApplicationJobLogStatusValues()
)

// enumStrings lists the values of an enum as strings.
func enumStrings[T ~string](values []T) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}

// listFormat is the value of "joblog list -o".
type listFormat string

const (
	listTable listFormat = "table"
	listJSON  listFormat = "json"
	listJSONL listFormat = "jsonl"
)

func (o *listFormat) String() string { return string(*o) }
func (o *listFormat) Type() string   { return "format" }

// Set accepts table, json or jsonl.
func (o *listFormat) Set(v string) error {
	switch f := listFormat(strings.ToLower(v)); f {
	case listTable, listJSON, listJSONL:
		*o = f
		return nil
	}
	return fmt.Errorf("want table, json or jsonl, not %q", v)
}

// listFlags are the flags of "joblog list".
type listFlags struct {
	app         string
	statuses    []string
	name, query string
	sort, order string
	pageSize    int
	limit       int
	output      listFormat
}

func (a *app) joblogListCmd(cf *clientFlags) *cobra.Command {
	lf := &listFlags{output: listTable}
	cmd := &cobra.Command{
		Use:   "list --app ID [--status S[,S...]] [--name NAME] [--query JSON] [--sort FIELD] [--order asc|desc] [--page-size N] [--limit N] [-o table|json|jsonl]",
		Short: "List an application's job logs, found by status, name or an advanced query",
		Long: `Lists the application's job logs that match --status, --name and --query (all
must hold: they are combined with $and), sorted by --sort in --order, ties
broken by ID. Pages of --page-size logs are fetched one at a time, as the
output needs them, so memory stays flat however many logs match; --limit
stops after that many.

--query is Losant's advanced query language, as JSON, such as
  {"runQueuedAt":{"$gte":"2025-06-01T00:00:00.000Z"}}
  {"name":{"$startsWith":"archive","$ci":true}}
with the fields id, name, status, resourceId, resourceType, runQueuedAt,
runStartedAt and runCompletedAt, the operators $eq, $ne, $gt, $gte, $lt,
$lte, $in, $nin, $startsWith, $endsWith, $contains (and $ci), and $and,
$or, $nor. status and resourceType take their listed values, the three
timestamps dates (RFC 3339, a date alone, or epoch milliseconds). It is
checked against the API's schema before anything is sent: a mistake exits 2
with a message that points at it.

Output (-o): table (default) prints one row per job: ID, name, status,
progress, when it was queued (UTC) and how long it ran. json prints one JSON
array of the job logs exactly as the API sent them; jsonl prints one job log
per line, written as each page arrives.`,
		Example: `  losant joblog list --app 575ec8687ae143cd83dc4a97
  losant joblog list --app 575ec8687ae143cd83dc4a97 --status errored,failed --sort runQueuedAt --order desc --limit 20
  losant joblog list --app 575ec8687ae143cd83dc4a97 --name ArchiveData \
      --query '{"runQueuedAt":{"$gte":"2025-06-01T00:00:00.000Z"}}' -o jsonl`,
		Args: cobra.NoArgs,
	}
	fl := cmd.Flags()
	fl.StringVar(&lf.app, "app", "", "application ID (24 hexadecimal characters)")
	fl.StringSliceVar(&lf.statuses, "status", nil, "only job logs with one of these statuses: "+strings.Join(enumStrings(jobStatuses), ", ")+" (default: any status)")
	fl.StringVar(&lf.name, "name", "", "only job logs of the job with this name, such as ArchiveData (default: any name)")
	fl.StringVar(&lf.query, "query", "", "advanced query, as JSON in Losant's query language (default: every job log)")
	fl.StringVar(&lf.sort, "sort", string(losant.ApplicationJobLogSortFieldRunQueuedAt), "field to sort by: "+strings.Join(enumStrings(sortFields), ", "))
	fl.StringVar(&lf.order, "order", string(losant.SortDirectionAsc), "sort order: asc or desc")
	fl.IntVar(&lf.pageSize, "page-size", losant.DefaultPageSize, fmt.Sprintf("job logs per request, 1 to %d", maxPageSize))
	fl.IntVar(&lf.limit, "limit", 0, "stop after this many job logs (default 0: every match)")
	fl.VarP(&lf.output, "output", "o", "output format: table, json or jsonl")
	must(cmd.MarkFlagRequired("app"))
	must(cmd.RegisterFlagCompletionFunc("sort", cobra.FixedCompletions(enumStrings(sortFields), cobra.ShellCompDirectiveNoFileComp)))
	must(cmd.RegisterFlagCompletionFunc("order", cobra.FixedCompletions(enumStrings(sortDirections), cobra.ShellCompDirectiveNoFileComp)))
	must(cmd.RegisterFlagCompletionFunc("status", completeList(enumStrings(jobStatuses))))
	must(cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(
		[]string{string(listTable), string(listJSON), string(listJSONL)}, cobra.ShellCompDirectiveNoFileComp)))

	cmd.RunE = runE(func(ctx context.Context, _ []string) error {
		params, err := lf.params()
		if err != nil {
			return err
		}
		c, err := a.newClient(cf)
		if err != nil {
			return err
		}
		return listJobLogs(ctx, a.stdout, c, lf, params)
	})
	return cmd
}

// completeList completes a comma-separated list of values, offering
// those not yet in it after what is typed so far.
func completeList(values []string) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		prefix := ""
		if i := strings.LastIndexByte(toComplete, ','); i >= 0 {
			prefix = toComplete[:i+1]
		}
		typed := map[string]bool{}
		for _, v := range strings.Split(prefix, ",") {
			typed[v] = true
		}
		var out []string
		for _, v := range values {
			if !typed[v] {
				out = append(out, prefix+v)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
	}
}

// params checks the flags, without sending anything, and turns them into
// the SDK's list parameters (the first page).
func (f *listFlags) params() (*losant.ApplicationJobLogListParams, error) {
	sort := losant.ApplicationJobLogSortField(f.sort)
	if !sort.Valid() {
		return nil, usagef("invalid --sort %q: want one of %s", f.sort, strings.Join(enumStrings(sortFields), ", "))
	}
	order := losant.SortDirection(strings.ToLower(f.order))
	if !order.Valid() {
		return nil, usagef("invalid --order %q: want asc or desc", f.order)
	}
	if f.pageSize < 1 || f.pageSize > maxPageSize {
		return nil, usagef("invalid --page-size %d: want 1 to %d", f.pageSize, maxPageSize)
	}
	if f.limit < 0 {
		return nil, usagef("invalid --limit %d: want 0 (every match) or more", f.limit)
	}
	var statuses []losant.ApplicationJobLogStatus
	for _, s := range f.statuses {
		st := losant.ApplicationJobLogStatus(strings.TrimSpace(s))
		if !st.Valid() {
			return nil, usagef("invalid --status %q: want one or more of %s, separated by commas", s, strings.Join(enumStrings(jobStatuses), ", "))
		}
		statuses = append(statuses, st)
	}
	var parts []*losant.JobLogQuery
	if f.query != "" {
		// Checked alone, before it is combined with --status and --name,
		// so that an error's path is in the text the user wrote.
		q := losant.RawJobLogQuery(f.query)
		if err := q.Validate(); err != nil {
			return nil, listError(err)
		}
		parts = append(parts, q)
	}
	if len(statuses) > 0 || f.name != "" {
		q := losant.NewJobLogQuery()
		if len(statuses) > 0 {
			q = q.Status(statuses...)
		}
		if f.name != "" {
			q = q.Name(f.name)
		}
		parts = append(parts, q)
	}
	p := &losant.ApplicationJobLogListParams{SortField: sort, SortDirection: order, PerPage: f.pageSize}
	switch len(parts) {
	case 1:
		p.Query = parts[0]
	case 2:
		p.Query = losant.AllOf(parts...)
	}
	if f.limit > 0 && f.limit < p.PerPage {
		p.PerPage = f.limit // no need to fetch more than asked for
	}
	return p, nil
}

// listParamFlags maps the SDK's names of the list's arguments to the flags
// that fill them.
var listParamFlags = map[string]string{
	"applicationId": "--app",
	"query":         "--query",
	"sortField":     "--sort",
	"sortDirection": "--order",
	"perPage":       "--page-size",
}

// listError rewords an argument the SDK refused (before sending) as a
// usage error naming the flag.
func listError(err error) error {
	var ia *losant.InvalidArgumentError
	if errors.As(err, &ia) {
		if flag, ok := listParamFlags[ia.Name]; ok {
			return usagef("invalid %s: %s", flag, ia.Reason)
		}
	}
	return err
}

// listJobLogs prints the job logs lf selects on stdout, page by page.
func listJobLogs(ctx context.Context, stdout io.Writer, c *losant.Client, lf *listFlags, params *losant.ApplicationJobLogListParams) error {
	w := bufio.NewWriter(stdout)
	var out listWriter
	switch lf.output {
	case listJSON:
		out = &jsonArrayWriter{w: w}
	case listJSONL:
		out = &jsonLinesWriter{w: w}
	default:
		out = &tableWriter{w: w}
	}
	left := lf.limit // 0: no limit
	// Each log is written out as it comes: the iterator fetches the next
	// page only when the loop asks for its first log, so nothing waits in
	// the buffer while a page is on its way.
	for raw, err := range c.ApplicationJobLog.AllRaw(ctx, lf.app, params) {
		if err != nil {
			if ctx.Err() != nil {
				err = fmt.Errorf("interrupted listing job logs: %w", context.Cause(ctx))
			}
			// Whatever was printed so far stays valid output.
			if ferr := out.abort(); ferr != nil {
				return ferr
			}
			return listError(err)
		}
		if err := out.item(raw); err != nil {
			return err
		}
		if err := out.flush(); err != nil {
			return err
		}
		if left > 0 {
			if left--; left == 0 {
				break
			}
		}
	}
	return out.finish()
}

// listWriter prints job logs in one of the output formats.
type listWriter interface {
	item(raw json.RawMessage) error
	flush() error  // write out what is buffered
	finish() error // end of the list
	abort() error  // the list failed: end what was printed, if anything
}

// jsonLinesWriter prints one job log per line, as the API sent it.
type jsonLinesWriter struct{ w *bufio.Writer }

func (j *jsonLinesWriter) item(raw json.RawMessage) error {
	if _, err := j.w.Write(raw); err != nil {
		return err
	}
	return j.w.WriteByte('\n')
}
func (j *jsonLinesWriter) flush() error  { return j.w.Flush() }
func (j *jsonLinesWriter) finish() error { return j.w.Flush() }
func (j *jsonLinesWriter) abort() error  { return j.w.Flush() }

// jsonArrayWriter prints one JSON array of the job logs as the API sent
// them, one per line, streamed: "[" goes out with the first log.
type jsonArrayWriter struct {
	w     *bufio.Writer
	n     int
	ended bool
}

func (j *jsonArrayWriter) item(raw json.RawMessage) error {
	sep := ",\n"
	if j.n == 0 {
		sep = "[\n"
	}
	j.n++
	if _, err := j.w.WriteString(sep); err != nil {
		return err
	}
	_, err := j.w.Write(raw)
	return err
}

func (j *jsonArrayWriter) flush() error { return j.w.Flush() }

func (j *jsonArrayWriter) abort() error {
	if j.n == 0 {
		return nil // nothing printed: print nothing
	}
	return j.finish()
}

func (j *jsonArrayWriter) finish() error {
	if j.ended {
		return nil
	}
	j.ended = true
	end := "\n]\n"
	if j.n == 0 {
		end = "[]\n"
	}
	if _, err := j.w.WriteString(end); err != nil {
		return err
	}
	return j.w.Flush()
}

// Widths of the table's columns; the rows fit in 100 columns.
const (
	colName   = 20
	tableLine = "%-24s  %-20s  %-10s  %8s  %-19s  %s\n"
)

// tableWriter prints one row per job log, in fixed columns so that rows
// go out page by page and still line up.
type tableWriter struct {
	w      *bufio.Writer
	header bool
}

func (t *tableWriter) item(raw json.RawMessage) error {
	var log losant.ApplicationJobLog
	if err := json.Unmarshal(raw, &log); err != nil {
		return fmt.Errorf("listing job logs: %w", err)
	}
	if !t.header {
		t.header = true
		fmt.Fprintf(t.w, tableLine, "ID", "NAME", "STATUS", "PROGRESS", "QUEUED AT (UTC)", "DURATION")
	}
	_, err := fmt.Fprintf(t.w, tableLine, log.GetID(), truncate(text.SingleLine(log.GetName()), colName),
		orDash(string(log.GetStatus())), orDash(listProgress(log.Progress)), orDash(shortTime(log.GetRunQueuedAt())),
		orDash(duration(&log)))
	return err
}

func (t *tableWriter) flush() error { return t.w.Flush() }
func (t *tableWriter) abort() error { return t.w.Flush() }

func (t *tableWriter) finish() error {
	if !t.header {
		t.header = true
		if _, err := io.WriteString(t.w, "No job logs match.\n"); err != nil {
			return err
		}
	}
	return t.w.Flush()
}

// listProgress is a job's progress in a few characters: "45%", or the
// count done when the total is unknown.
func listProgress(p *losant.ApplicationJobLogProgress) string {
	switch {
	case p == nil || p.Completed == nil:
		return ""
	case p.Total != nil && *p.Total > 0:
		return strconv.Itoa(int(*p.Completed / *p.Total * 100)) + "%"
	}
	return num(p.Completed)
}

// shortTime prints t to the second, in UTC; "" for the zero time.
func shortTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05")
}

// duration is how long the job ran, when it started and ended.
func duration(log *losant.ApplicationJobLog) string {
	start, end := log.GetRunStartedAt(), log.GetRunCompletedAt()
	if start.IsZero() || end.IsZero() {
		return ""
	}
	d := end.Sub(start)
	if d >= time.Second {
		d = d.Round(time.Second)
	}
	return d.String()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// truncate shortens s to n characters, marking a cut with "…".
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
