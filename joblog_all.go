package losant

import (
	"context"
	"encoding/json"
	"iter"
)

// DefaultPageSize is how many job logs All and AllRaw ask for per page
// when params set no PerPage.
const DefaultPageSize = 100

// All returns every job log of the application that params select, in
// their sort order, for a range loop:
//
//	for log, err := range client.ApplicationJobLog.All(ctx, appID, &losant.ApplicationJobLogListParams{
//		Query: losant.NewJobLogQuery().Status(losant.ApplicationJobLogStatusFailed),
//	}) {
//		if err != nil {
//			return err // a page failed after the client's retries
//		}
//		fmt.Println(log.GetID(), log.GetName())
//	}
//
// Pages are fetched as the loop needs them, starting at params.Page, so
// memory holds one page whatever the total, and breaking out of the loop
// sends nothing more. Arguments are checked before the first request. A
// page that still fails after the client's retries is yielded as one
// error (with a nil log), and the iteration ends.
//
// All never yields a job log twice: when jobs added during the iteration
// push logs already seen onto the next page (a new job in a descending
// sort, say), those are recognised by ID and skipped. The IDs of the last
// two pages are kept for this, so a shift of up to two pages between two
// fetches is handled. Paging is by page number, as the API's is, so a job
// log deleted during the iteration moves the later ones back by one, and
// the one that crosses onto a page already fetched is not seen.
func (s *ApplicationJobLogService) All(ctx context.Context, applicationID string, params *ApplicationJobLogListParams, opts ...RequestOption) iter.Seq2[*ApplicationJobLog, error] {
	return walkPages(params, func(p *ApplicationJobLogListParams) (pageOf[ApplicationJobLog], error) {
		page, err := s.List(ctx, applicationID, p, opts...)
		if err != nil {
			return pageOf[ApplicationJobLog]{}, err
		}
		return pageOf[ApplicationJobLog]{items: page.GetItems(), perPage: page.GetPerPage()}, nil
	}, (*ApplicationJobLog).GetID)
}

// AllRaw is All yielding each job log exactly as the API sent it (fields
// this SDK does not model, and Losant's own spelling of numbers and
// timestamps, included): for printing or archiving logs as they came. It
// pages, stops and fails as All does.
func (s *ApplicationJobLogService) AllRaw(ctx context.Context, applicationID string, params *ApplicationJobLogListParams, opts ...RequestOption) iter.Seq2[json.RawMessage, error] {
	logs := walkPages(params, func(p *ApplicationJobLogListParams) (pageOf[json.RawMessage], error) {
		raw, err := s.ListRaw(ctx, applicationID, p, opts...)
		if err != nil {
			return pageOf[json.RawMessage]{}, err
		}
		// The page as ApplicationJobLogs, its items kept as they came.
		var page struct {
			Items   []json.RawMessage `json:"items"`
			PerPage int               `json:"perPage"`
		}
		if err := json.Unmarshal(raw, &page); err != nil {
			return pageOf[json.RawMessage]{}, err
		}
		return pageOf[json.RawMessage]{items: page.Items, perPage: page.PerPage}, nil
	}, rawID)
	return func(yield func(json.RawMessage, error) bool) {
		for log, err := range logs {
			var raw json.RawMessage
			if log != nil {
				raw = *log
			}
			if !yield(raw, err) {
				return
			}
		}
	}
}

// rawID is the id of a job log as sent, or "" when it has none.
func rawID(raw *json.RawMessage) string {
	var v struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(*raw, &v)
	return v.ID
}

// pageOf is one page of items and the page size the API says it used.
type pageOf[T any] struct {
	items   []T
	perPage int
}

// walkPages is the one paging loop of All and AllRaw: it fetches pages from
// params.Page on as the loop asks for items, skips an item whose id was on
// one of the two previous pages (pushed on by items added meanwhile), and
// ends after a short page or the first error, which it yields once.
func walkPages[T any](params *ApplicationJobLogListParams, fetch func(*ApplicationJobLogListParams) (pageOf[T], error), id func(*T) string) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		p := ApplicationJobLogListParams{}
		if params != nil {
			p = *params
		}
		if p.PerPage == 0 {
			p.PerPage = DefaultPageSize
		}
		var older, last map[string]bool // ids of the two previous pages
		for {
			page, err := fetch(&p)
			if err != nil {
				yield(nil, err)
				return
			}
			seen := make(map[string]bool, len(page.items))
			for i := range page.items {
				item := &page.items[i]
				key := id(item)
				if key != "" && (last[key] || older[key] || seen[key]) {
					continue
				}
				seen[key] = true
				if !yield(item, nil) {
					return
				}
			}
			// A short page is the last. The page size is the one the API
			// says it used, which may be below the one asked for when a
			// server caps it.
			size := page.perPage
			if size <= 0 || size > p.PerPage {
				size = p.PerPage
			}
			if len(page.items) == 0 || len(page.items) < size {
				return
			}
			older, last = last, seen
			p.Page++
		}
	}
}
