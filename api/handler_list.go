package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/losant-go/losant-go/generated"
)

// msgApplicationNotFound is the 404 of an application the store holds no
// job logs for (openapi.yaml's ApplicationNotFound example).
const msgApplicationNotFound = "Application was not found"

// GetApplicationJobLogs answers GET /applications/{applicationId}/jobLogs:
// one page of the application's job logs that match the query, sorted,
// with Losant's semantics (see Store.list).
func (s *server) GetApplicationJobLogs(_ context.Context, req generated.GetApplicationJobLogsRequestObject) (generated.GetApplicationJobLogsResponseObject, error) {
	pr := req.Params
	var sortField, sortDirection, query string
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
	if pr.Query != nil {
		// The middleware validated the query against the spec and the
		// generated code decoded it; its JSON is the caller's query.
		raw, err := json.Marshal(pr.Query)
		if err != nil {
			return nil, err
		}
		query = string(raw)
	}
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
	dir := "asc"
	if p.desc {
		dir = "desc"
	}
	q := json.RawMessage("{}")
	if query != "" {
		q = json.RawMessage(query)
	}
	return listPage{
		items: items, total: total, page: p.page, perPage: p.perPage,
		sortField: p.sortField.String(), sortDirection: dir, applicationID: req.ApplicationID, query: q,
	}, nil
}

// listPage is a 200 list response written by hand, like storedJobLog:
// each item is the stored job log byte for byte (the generated response
// would re-encode it through the typed struct and lose fields and
// timestamp spellings), streamed without building the page in memory
// twice.
type listPage struct {
	items                                   [][]byte
	total, page, perPage                    int
	sortField, sortDirection, applicationID string
	query                                   json.RawMessage
}

func (l listPage) VisitGetApplicationJobLogsResponse(w http.ResponseWriter) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	b := make([]byte, 0, 256)
	b = append(b, `{"items":[`...)
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
	b = append(b, `],"count":`...)
	b = strconv.AppendInt(b, int64(len(l.items)), 10)
	b = append(b, `,"totalCount":`...)
	b = strconv.AppendInt(b, int64(l.total), 10)
	b = append(b, `,"perPage":`...)
	b = strconv.AppendInt(b, int64(l.perPage), 10)
	b = append(b, `,"page":`...)
	b = strconv.AppendInt(b, int64(l.page), 10)
	b = append(b, `,"sortField":`...)
	b = strconv.AppendQuote(b, l.sortField)
	b = append(b, `,"sortDirection":`...)
	b = strconv.AppendQuote(b, l.sortDirection)
	b = append(b, `,"applicationId":`...)
	b = strconv.AppendQuote(b, l.applicationID)
	b = append(b, `,"query":`...)
	b = append(b, l.query...)
	b = append(b, "}\n"...)
	_, err := w.Write(b)
	return err
}
