package losant

import (
	"context"
	"encoding/json"
	"iter"
	"net/url"
	"strconv"
)

// pager names what a paged operation (x-go-paginate: page in openapi.yaml)
// pages with: its page-number and page-size query parameters, and the
// fields of its result holding the items and the page size used. The
// generator writes one per paged operation.
type pager struct {
	pageParam, sizeParam  string
	itemsField, sizeField string
	idField               string
	defaultSize           int
}

// walkPages is the All of every paged operation: it sends r page after
// page (r's query is encoded once, by the caller), decoding each into a
// P and yielding the items that items returns.
func walkPages[P, T any](ctx context.Context, c *Client, r *request, err error, opts []RequestOption, pg pager, items func(*P) ([]T, int), id func(*T) string) iter.Seq2[*T, error] {
	return walk(r, err, pg, func(r *request) ([]T, int, error) {
		page := new(P)
		if err := c.do(ctx, r, page, opts); err != nil {
			return nil, 0, err
		}
		list, size := items(page)
		return list, size, nil
	}, id)
}

// walkRawPages is the AllRaw of every paged operation: walkPages yielding
// each item as the API sent it.
func walkRawPages(ctx context.Context, c *Client, r *request, err error, opts []RequestOption, pg pager) iter.Seq2[json.RawMessage, error] {
	items := walk(r, err, pg, func(r *request) ([]json.RawMessage, int, error) {
		var raw rawObject
		if err := c.do(ctx, r, &raw, opts); err != nil {
			return nil, 0, err
		}
		var page map[string]json.RawMessage
		if err := json.Unmarshal(raw, &page); err != nil {
			return nil, 0, err
		}
		var list []json.RawMessage
		var size int
		if v, ok := page[pg.itemsField]; ok {
			if err := json.Unmarshal(v, &list); err != nil {
				return nil, 0, &ResponseError{Method: r.op.Method, Path: r.op.Path, Err: err}
			}
		}
		if v, ok := page[pg.sizeField]; ok {
			_ = json.Unmarshal(v, &size) // a size that is not a number: the one asked for
		}
		return list, size, nil
	}, func(raw *json.RawMessage) string {
		var v map[string]json.RawMessage
		var id string
		if json.Unmarshal(*raw, &v) == nil {
			_ = json.Unmarshal(v[pg.idField], &id)
		}
		return id
	})
	return func(yield func(json.RawMessage, error) bool) {
		for item, err := range items {
			var raw json.RawMessage
			if item != nil {
				raw = *item
			}
			if !yield(raw, err) {
				return
			}
		}
	}
}

// walk is the one paging loop: it fetches pages from r's page on as the
// loop asks for items, skips an item whose id was on one of the two
// previous pages (pushed on by items added meanwhile), and ends after a
// short page or the first error, which it yields once. argErr is the
// error of checking the arguments, yielded before anything is sent.
func walk[T any](r *request, argErr error, pg pager, fetch func(*request) ([]T, int, error), id func(*T) string) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		if argErr != nil {
			yield(nil, argErr)
			return
		}
		query := url.Values{}
		for k, v := range r.query {
			query[k] = v
		}
		page, _ := strconv.Atoi(query.Get(pg.pageParam))
		size, _ := strconv.Atoi(query.Get(pg.sizeParam))
		if size <= 0 {
			size = pg.defaultSize
			query.Set(pg.sizeParam, strconv.Itoa(size))
		}
		var older, last map[string]bool // ids of the two previous pages
		for {
			pr := *r
			pr.query = make(url.Values, len(query))
			for k, v := range query {
				pr.query[k] = v
			}
			pr.query.Set(pg.pageParam, strconv.Itoa(page))
			items, used, err := fetch(&pr)
			if err != nil {
				yield(nil, err)
				return
			}
			seen := make(map[string]bool, len(items))
			for i := range items {
				item := &items[i]
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
			if used <= 0 || used > size {
				used = size
			}
			if len(items) == 0 || len(items) < used {
				return
			}
			older, last = last, seen
			page++
		}
	}
}
