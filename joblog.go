package losant

import (
	"context"
	"fmt"
	"strconv"

	"github.com/losant-go/losant-go/generated"
	"github.com/losant-go/losant-go/internal/spec"
)

// ApplicationJobLogService reads application job logs. Reach it as
// Client.ApplicationJobLog.
type ApplicationJobLogService struct {
	c  *Client
	op *spec.Operation
}

func newApplicationJobLogService(c *Client) (*ApplicationJobLogService, error) {
	op, err := spec.Op("getApplicationJobLog")
	if err != nil {
		return nil, err
	}
	return &ApplicationJobLogService{c: c, op: op}, nil
}

// Get returns the job log with the given ID in the given application: its
// status, progress counters, error, input and output.
//
// Both IDs must be 24 hexadecimal characters; anything else fails with an
// error matching ErrInvalidArgument and sends nothing. A non-2xx answer is
// an *APIError matching ErrNotFound, ErrUnauthorized, ErrForbidden,
// ErrRateLimited, ErrBadRequest or ErrServerError.
//
// Losant API docs: https://docs.losant.com/rest-api/applicationjoblog/#get
//
// GET /applications/{applicationId}/jobLogs/{jobId}
func (s *ApplicationJobLogService) Get(ctx context.Context, applicationID, jobID string) (*ApplicationJobLog, error) {
	if err := s.checkIDs(applicationID, jobID); err != nil {
		return nil, err
	}
	req, err := generated.NewGetApplicationJobLogRequest(s.c.server, applicationID, jobID, nil)
	if err != nil {
		return nil, fmt.Errorf("losant: building the request: %w", err)
	}
	req.URL.RawQuery = s.op.DefaultQuery
	var log ApplicationJobLog
	if err := s.c.send(ctx, req, &log); err != nil {
		return nil, err
	}
	return &log, nil
}

// checkIDs validates the path parameters against openapi.yaml before any
// request exists, so a value such as "../me" can never reach another path.
func (s *ApplicationJobLogService) checkIDs(applicationID, jobID string) error {
	for _, p := range [...]struct{ name, value string }{
		{"applicationId", applicationID}, {"jobId", jobID},
	} {
		if err := s.op.CheckPathParam(p.name, p.value); err != nil {
			return invalidArg(p.name, "%s is not a Losant ID (24 hexadecimal characters): %v", quoteShort(p.value), err)
		}
	}
	return nil
}

// quoteShort quotes v for an error message, cut to a readable length.
func quoteShort(v string) string {
	const maxLen = 40
	if len(v) > maxLen {
		return strconv.Quote(v[:maxLen]) + "..."
	}
	return strconv.Quote(v)
}
