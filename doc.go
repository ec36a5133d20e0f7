// Package losant is a typed Go client for the Losant IoT platform's REST
// API, starting with application job logs: the record Losant keeps of every
// run of a long job (data archives, application exports and imports,
// backfills).
//
//	client, err := losant.NewClient(losant.WithToken(os.Getenv("LOSANT_API_TOKEN")))
//	if err != nil { ... }
//	log, err := client.ApplicationJobLog.Get(ctx, applicationID, jobID)
//
// # Models
//
// ApplicationJobLog and its nested types are generated from openapi.yaml,
// the single description of the API this module is built from. Optional
// fields are pointers (nil when the response lacks them). Numbers are
// float64, which represents every number a Losant response can carry
// exactly (counters and epoch milliseconds included); date-times are
// time.Time with their milliseconds. Status values and fields that this
// version does not know decode without error; GetRaw returns a job log's
// JSON exactly as it arrived, unknown fields included. Bodies are decoded as they
// arrive by github.com/goccy/go-json, which gives what encoding/json gives,
// faster and in less memory; build with -tags losant_stdjson to use
// encoding/json itself.
//
// # Authentication
//
// Every request carries "Authorization: Bearer <token>" from WithToken. The
// token is never part of an error message, and a Client or Option prints
// it as [REDACTED]. Plain http is refused except to loopback addresses.
//
// # Errors
//
// Arguments are checked before anything is sent: an ID that is not 24
// hexadecimal characters, or an invalid option, gives an error matching
// ErrInvalidArgument. A non-2xx response is an *APIError with the status
// code, Losant's error type and message and any Retry-After; errors.Is
// matches it against ErrBadRequest, ErrUnauthorized, ErrForbidden,
// ErrNotFound, ErrRateLimited or ErrServerError. A 2xx body that is not
// the expected JSON is a *ResponseError matching ErrInvalidResponse; one
// over the size cap (WithMaxResponseBytes) matches ErrResponseTooLarge.
//
// # Waiting for a job
//
// ApplicationJobLogService.Wait polls a job log until the job completes,
// errors or fails, with a growing interval, an optional progress callback
// and the caller's context as the only deadline. A job that ends errored or
// failed gives a *JobFailedError matching ErrJobFailed.
//
// # Testing against a local API
//
// Package api (github.com/losant-go/losant-go/api) serves a
// Losant-compatible API built from the same openapi.yaml, with an in-memory
// store and a job simulator: run it with httptest in your own tests and
// point the client at it with WithBaseURL.
package losant
