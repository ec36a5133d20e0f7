package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	losant "github.com/losant-go/losant-go"
	"github.com/losant-go/losant-go/generated"
)

// msgApplicationNotFound is the 404 of an application the store holds no
// job logs for (openapi.yaml's ApplicationNotFound example).
const msgApplicationNotFound = "Application was not found"

// GetApplicationJobLogs answers GET /applications/{applicationId}/jobLogs:
// one page of the application's job logs that match the query, sorted,
// with Losant's semantics (see Store.list).
func (s *server) GetApplicationJobLogs(ctx context.Context, req generated.GetApplicationJobLogsRequestObject) (generated.GetApplicationJobLogsResponseObject, error) {
	pr := req.Params
	var sortField, sortDirection string
	page, perPage := 0, defaultListPerPage
	if pr.SortField != nil {
		sortField = string(*pr.SortField)
	}
	if pr.SortDirection != nil {
		sortDirection = string(*pr.SortDirection)
	}
	if pr.Page != nil {
		page = *pr.Page
	}
	if pr.PerPage != nil {
		perPage = *pr.PerPage
	}
	// The query's text as sent, which the validator checked (pr.Query,
	// the generated model, loses a field that is null).
	query := rawQueryParam(ctx, "query")
	bad := func(err error) (generated.GetApplicationJobLogsResponseObject, error) {
		return generated.GetApplicationJobLogs400JSONResponse{
			BadRequestJSONResponse: generated.BadRequestJSONResponse(errorBody(typeValidation, err.Error())),
		}, nil
	}
	p, err := newListParams(sortField, sortDirection, page, perPage, query)
	if err != nil {
		return bad(err)
	}
	items, total, known, err := s.store.list(req.ApplicationID, p)
	var lpe *listParamError
	switch {
	case errors.As(err, &lpe):
		return bad(err)
	case err != nil:
		return nil, err
	case !known:
		return generated.GetApplicationJobLogs404JSONResponse{
			ApplicationNotFoundJSONResponse: generated.ApplicationNotFoundJSONResponse(errorBody(typeNotFound, msgApplicationNotFound)),
		}, nil
	}
	dir := losant.SortDirectionAsc
	if p.desc {
		dir = losant.SortDirectionDesc
	}
	q := losant.RawJobLogQuery("{}")
	if query != "" {
		q = losant.RawJobLogQuery(query) // checked, so it marshals as it came
	}
	count, sortField := len(items), p.sortField.String()
	// Everything but the items goes through the generated model, so the
	// field names are openapi.yaml's; the items are spliced in as stored.
	head, err := json.Marshal(losant.ApplicationJobLogs{
		Items: &[]losant.ApplicationJobLog{}, Count: &count, TotalCount: &total,
		Page: &p.page, PerPage: &p.perPage, SortField: &sortField, SortDirection: &dir,
		ApplicationID: &req.ApplicationID, Query: q,
	})
	if err != nil {
		return nil, err
	}
	return listPage{head: head, items: items}, nil
}

// itemsKey is the empty items array as the generated model writes it,
// its key taken from the model's JSON tag.
var itemsKey = func() []byte {
	f, _ := reflect.TypeFor[losant.ApplicationJobLogs]().FieldByName("Items")
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	return []byte(strconv.Quote(name) + ":[]")
}()

// listPage is a 200 list response written by hand, like storedJobLog:
// each item is the stored job log byte for byte (the generated response
// would re-encode it through the typed struct and lose fields and
// timestamp spellings), streamed in pieces of at most 64 KiB.
type listPage struct {
	head  []byte // the page's JSON with an empty items array
	items [][]byte
}

func (l listPage) VisitGetApplicationJobLogsResponse(w http.ResponseWriter) error {
	// The empty items array the generated model wrote: the items go in it.
	at := bytes.Index(l.head, itemsKey)
	if at < 0 {
		return errors.New("api: the list page has no items array")
	}
	at += len(itemsKey) - 2
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	b := make([]byte, 0, 64<<10)
	b = append(b, l.head[:at+1]...)
	for i, item := range l.items {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, item...)
		if len(b) > 64<<10 {
			if _, err := w.Write(b); err != nil {
				return err
			}
			b = b[:0]
		}
	}
	b = append(b, l.head[at+1:]...)
	b = append(b, '\n')
	_, err := w.Write(b)
	return err
}
