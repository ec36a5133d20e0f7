package losant

import (
	"context"
	"iter"
)

// DefaultPageSize is how many job logs All asks for per page when params
// set no PerPage.
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
	return func(yield func(*ApplicationJobLog, error) bool) {
		p := ApplicationJobLogListParams{}
		if params != nil {
			p = *params
		}
		if p.PerPage == 0 {
			p.PerPage = DefaultPageSize
		}
		var older, last map[string]bool // IDs of the two previous pages
		for {
			page, err := s.List(ctx, applicationID, &p, opts...)
			if err != nil {
				yield(nil, err)
				return
			}
			items := page.GetItems()
			seen := make(map[string]bool, len(items))
			for i := range items {
				log := &items[i]
				id := log.GetID()
				if id != "" && (last[id] || older[id] || seen[id]) {
					continue
				}
				seen[id] = true
				if !yield(log, nil) {
					return
				}
			}
			if len(items) < p.PerPage {
				return // the last page
			}
			older, last = last, seen
			p.Page++
		}
	}
}
