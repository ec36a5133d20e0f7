package losant_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"testing"

	losant "github.com/losant-go/losant-go"
)

// pagedLogs is a loopback list endpoint over a slice of job log IDs, paged
// as Losant pages (page from 0, perPage per page). Before answering request
// n (from 0) it runs before[n], if any: the way to add jobs between pages.
type pagedLogs struct {
	mu     sync.Mutex
	ids    []string
	pages  []int // the page numbers asked for, in order
	before map[int]func(p *pagedLogs)
	fail   map[int]bool // requests (from 0) answered 500
}

func newPagedLogs(n int) *pagedLogs {
	p := &pagedLogs{before: map[int]func(*pagedLogs){}, fail: map[int]bool{}}
	for i := range n {
		p.ids = append(p.ids, fmt.Sprintf("%024x", i+1))
	}
	return p
}

// prepend adds n new job logs ahead of every other, as new jobs appear
// first in a newest-first sort.
func (p *pagedLogs) prepend(n int) {
	fresh := make([]string, n)
	for i := range fresh {
		fresh[i] = fmt.Sprintf("f%023x", len(p.ids)+i+1)
	}
	p.ids = append(fresh, p.ids...)
}

func (p *pagedLogs) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := len(p.pages)
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	perPage, _ := strconv.Atoi(r.URL.Query().Get("perPage"))
	p.pages = append(p.pages, page)
	if f := p.before[n]; f != nil {
		f(p)
	}
	if p.fail[n] {
		respond(http.StatusInternalServerError, `{"type":"ServerError","message":"boom"}`)(w, r)
		return
	}
	items := []json.RawMessage{}
	for _, id := range p.ids[min(page*perPage, len(p.ids)):min((page+1)*perPage, len(p.ids))] {
		items = append(items, json.RawMessage(`{"id":"`+id+`","status":"completed","extra":{"kept":1.50}}`))
	}
	body, _ := json.Marshal(map[string]any{
		"items": items, "count": len(items), "totalCount": len(p.ids), "perPage": perPage, "page": page,
	})
	respond(http.StatusOK, string(body))(w, r)
}

// walkers are All and AllRaw, each reduced to the IDs it yields, so that
// every test holds for both.
var walkers = map[string]func(c *losant.Client, params *losant.ApplicationJobLogListParams) iter.Seq2[string, error]{
	"All": func(c *losant.Client, params *losant.ApplicationJobLogListParams) iter.Seq2[string, error] {
		return func(yield func(string, error) bool) {
			for log, err := range c.ApplicationJobLog.All(context.Background(), appID, params) {
				if !yield(log.GetID(), err) {
					return
				}
			}
		}
	},
	"AllRaw": func(c *losant.Client, params *losant.ApplicationJobLogListParams) iter.Seq2[string, error] {
		return func(yield func(string, error) bool) {
			for raw, err := range c.ApplicationJobLog.AllRaw(context.Background(), appID, params) {
				var v struct {
					ID    string          `json:"id"`
					Extra json.RawMessage `json:"extra"`
				}
				if raw != nil {
					if jerr := json.Unmarshal(raw, &v); jerr != nil || string(v.Extra) != `{"kept":1.50}` {
						err = fmt.Errorf("log not as sent: %s (%v)", raw, jerr)
					}
				}
				if !yield(v.ID, err) {
					return
				}
			}
		}
	},
}

// walk collects what a walker yields until its first error.
func walk(t *testing.T, seq iter.Seq2[string, error]) ([]string, error) {
	t.Helper()
	var ids []string
	for id, err := range seq {
		if err != nil {
			return ids, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func TestAllWalksEveryPageInOrder(t *testing.T) {
	for name, walker := range walkers {
		t.Run(name, func(t *testing.T) {
			p := newPagedLogs(7)
			f := newFixture(t, p.ServeHTTP)
			ids, err := walk(t, walker(f.client, &losant.ApplicationJobLogListParams{PerPage: 3}))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids, p.ids) {
				t.Errorf("yielded %v, want %v", ids, p.ids)
			}
			if want := []int{0, 1, 2}; !slices.Equal(p.pages, want) {
				t.Errorf("asked for pages %v, want %v (the last, short page ends the walk)", p.pages, want)
			}
		})
	}
}

// A full last page costs one more request, which comes back empty.
func TestAllStopsAtAnEmptyPage(t *testing.T) {
	for name, walker := range walkers {
		t.Run(name, func(t *testing.T) {
			p := newPagedLogs(6)
			f := newFixture(t, p.ServeHTTP)
			ids, err := walk(t, walker(f.client, &losant.ApplicationJobLogListParams{PerPage: 3, Page: 1}))
			if err != nil || !slices.Equal(ids, p.ids[3:]) {
				t.Errorf("yielded %v (%v), want %v: from params.Page on", ids, err, p.ids[3:])
			}
			if want := []int{1, 2}; !slices.Equal(p.pages, want) {
				t.Errorf("asked for pages %v, want %v", p.pages, want)
			}
		})
	}
}

// New jobs that push more than one page of logs already seen onto the
// following pages: none is yielded twice, none is missed.
func TestAllSkipsLogsShiftedByMoreThanOnePage(t *testing.T) {
	for name, walker := range walkers {
		t.Run(name, func(t *testing.T) {
			p := newPagedLogs(8)
			want := slices.Clone(p.ids)
			p.before[1] = func(p *pagedLogs) { p.prepend(3) } // 1.5 pages of 2
			f := newFixture(t, p.ServeHTTP)
			ids, err := walk(t, walker(f.client, &losant.ApplicationJobLogListParams{PerPage: 2}))
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]int{}
			for _, id := range ids {
				if seen[id]++; seen[id] == 2 {
					t.Errorf("%s yielded twice (pages asked: %v)", id, p.pages)
				}
			}
			for _, id := range want {
				if seen[id] == 0 {
					t.Errorf("%s never yielded", id)
				}
			}
		})
	}
}

// Breaking out of the loop sends nothing more; a failing page is yielded
// once, as the API's error, and ends the walk.
func TestAllStopsOnBreakAndOnAFailedPage(t *testing.T) {
	for name, walker := range walkers {
		t.Run(name, func(t *testing.T) {
			p := newPagedLogs(10)
			f := newFixture(t, p.ServeHTTP)
			n := 0
			for _, err := range walker(f.client, &losant.ApplicationJobLogListParams{PerPage: 2}) {
				if err != nil {
					t.Fatal(err)
				}
				if n++; n == 3 {
					break
				}
			}
			if len(p.pages) != 2 {
				t.Errorf("%d requests after a break in the second page, want 2", len(p.pages))
			}

			p = newPagedLogs(10)
			p.fail[1] = true
			f = newFixture(t, p.ServeHTTP)
			var logs, errs int
			for id, err := range walker(f.client, &losant.ApplicationJobLogListParams{PerPage: 2}) {
				switch {
				case err == nil:
					logs++
				case id == "" && errors.Is(err, losant.ErrServerError):
					errs++
				default:
					t.Errorf("got %q, %v", id, err)
				}
			}
			if logs != 2 || errs != 1 || len(p.pages) != 2 {
				t.Errorf("%d logs, %d errors from %d requests; want 2, 1 (the failed page, not retried: a 500) and 2", logs, errs, len(p.pages))
			}
		})
	}
}

// Bad arguments are refused before any request, as one error.
func TestAllRefusesBadArgumentsBeforeSending(t *testing.T) {
	for name, walker := range walkers {
		t.Run(name, func(t *testing.T) {
			p := newPagedLogs(3)
			f := newFixture(t, p.ServeHTTP)
			_, err := walk(t, walker(f.client, &losant.ApplicationJobLogListParams{PerPage: -1}))
			if !errors.Is(err, losant.ErrInvalidArgument) || len(p.pages) != 0 {
				t.Errorf("error %v after %d requests, want ErrInvalidArgument and none", err, len(p.pages))
			}
		})
	}
}
