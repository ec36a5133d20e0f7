// Package losant is a typed Go client for the Losant IoT platform's REST
// API: it starts the long jobs Losant runs on an application (export,
// import, clone, data archives), follows them to the end, saves the files
// they make, and reads the application job logs that record every run.
//
//	client, err := losant.NewClient() // $LOSANT_API_TOKEN, $LOSANT_API_URL; or WithToken, WithBaseURL
//	if err != nil { ... }
//	res, err := client.Application.Export(ctx, applicationID, &losant.ApplicationExportPost{})
//	if err != nil { ... } // errors.Is(err, losant.ErrMaybeDelivered): look before exporting again
//	n, err := res.Job().DownloadOutputFile(ctx, "app.zip") // waits, then saves the zip
//
//	log, err := client.ApplicationJobLog.Get(ctx, applicationID, jobID)
//	fmt.Println(log.GetStatus(), log.GetProgress().GetCompleted())
//
// # Operations
//
// Every operation method (ApplicationJobLog.Get and List, Application.Get,
// Export, Clone, Import and the archive jobs, and their ...Raw twins) is
// generated from openapi.yaml, the single description of the API this module is
// built from, and takes one path through the client (checks, URL,
// retries, error mapping, decoding). Its doc comment gives the accepted
// token scopes and the Losant docs link. What the SDK needs of the spec is
// generated as Go; no OpenAPI or YAML library is linked into your program.
//
// Every operation method takes RequestOptions after its arguments:
// WithHeader, WithRetryPolicy, WithoutRetries and WithAttemptTimeout for
// this call only (they also work in NewClient, for every call), and
// WithResponseInto for the HTTP status, headers and attempt count.
//
// # Listing
//
// ApplicationJobLogService.List returns one page of an application's job
// logs; All walks every matching one as an iterator, a page at a time.
// JobLogQuery writes the advanced query (statuses, name, resource type,
// time ranges, AnyOf/AllOf/NoneOf, or raw JSON), which is checked against
// the spec's schema before anything is sent.
//
// # Models
//
// ApplicationJobLog and its nested types are generated from openapi.yaml.
// Every field has a nil-safe getter (GetProgress, GetCompleted...), so
// log.GetProgress().GetCompleted() is 0, never a panic, when the API left
// something out. Optional fields are pointers (nil when the response lacks
// them). Numbers are
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
// A request that could not connect at all matches ErrUnreachable, and its
// message names the base URL.
//
// # Retries
//
// Idempotent calls (every GET) that fail in a way that may pass (a
// connection error, an attempt timeout, 429, 502, 503, 504) are retried
// with jittered exponential backoff, honouring Retry-After, within the
// caller's deadline (see RetryPolicy); APIError.Temporary is true exactly
// for the answers retried. A POST is sent once unless the call says
// WithRetryNonIdempotent. When retries run out, the error is a *RetryError
// carrying the attempt count, and errors.Is and errors.As still reach the
// last failure. What waiting cannot mend is returned at once: a host that
// does not exist, an http server at an https URL, a TLS certificate
// error, a refused connection on loopback. WithRetryNotify and WithLogger
// hear of each retry before its wait.
//
// # Waiting for a job
//
// ApplicationJobLogService.Wait polls a job log until the job completes,
// errors or fails, with a growing interval, an optional progress callback
// and the caller's context as the only deadline. A job that ends errored or
// failed gives a *JobFailedError matching ErrJobFailed.
//
// # Jobs and downloads
//
// A Job is a handle on a job Losant runs in the background: Client.Job
// makes one from an application id and a job log id, and its Name
// ("applications/<id>/jobLogs/<id>") is what to save for Client.ParseJob
// in a later run. Job.Wait follows it to the end as Wait does. OutputURL
// gives a completed export's zip address, and Client.Download and
// Client.DownloadFile fetch it: without the token or any API header, over
// https, resuming a cut transfer with Range and If-Range, checking the
// length, and (DownloadFile) writing the file atomically, never over an
// existing one unless WithOverwrite. Job.DownloadOutputFile does the wait
// and the download in one call. Errors and logs never show the URL's
// query, where a pre-signed URL keeps its signature.
//
// # Testing against a local API
//
// Package api (github.com/losant-go/losant-go/api) serves a
// Losant-compatible API built from the same openapi.yaml, with an in-memory
// store and a job simulator: run it with httptest in your own tests and
// point the client at it with WithBaseURL.
package losant
