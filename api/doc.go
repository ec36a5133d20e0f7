// Package api is a local, in-memory stand-in for Losant's REST API: the
// application job log endpoints,
//
//	GET /applications/{applicationId}/jobLogs/{jobId}   one job log
//	GET /applications/{applicationId}/jobLogs           a page of them: Losant's
//	                                                    advanced query, sort and paging
//
// served from openapi.yaml, so that code using losant-go (or any other HTTP
// client) can be tried and tested without a Losant account or a network, the
// way stripe-mock stands in for Stripe. The losant CLI's serve and demo
// commands run it; tests run it with net/http/httptest:
//
//	store, _ := api.ExampleStore()
//	h, _ := api.NewHandler(api.Options{
//		Store:  store,
//		Tokens: map[string][]string{"test-token": nil}, // nil scopes: full access
//	})
//	srv := httptest.NewServer(h)
//	defer srv.Close()
//	client, _ := losant.NewClient(losant.WithToken("test-token"), losant.WithBaseURL(srv.URL))
//
// # Built from the spec
//
// Nothing about the endpoint is repeated in Go. The handler implements the
// strict server interface oapi-codegen generates from openapi.yaml, on the
// standard library's router; every request is first matched and validated
// against the same document by kin-openapi (through
// github.com/oapi-codegen/nethttp-middleware); the scopes a token needs are
// the matched operation's x-losant-scopes; stored job logs are checked
// against the document's ApplicationJobLog schema; and the example data is
// the document's own examples. The list's JSON-encoded query is the one
// parameter kin-openapi does not judge: it is checked with
// internal/ops.CheckJSON, the function the SDK checks it with before
// sending, against the document's ApplicationJobLogQuery and its x-losant
// extensions (enums, nesting depth), so the SDK and the local API accept
// the same queries and refuse the rest in the same words.
//
// # Responses
//
// Every response is JSON. Errors have Losant's shape,
// {"type": ..., "message": ...}:
//
//	400 Validation          a parameter breaks the spec (an ID that is not 24 hex
//	                        digits, a query with an unknown field or operator)
//	401 Unauthorized        no bearer token, or one the server was not given
//	403 Forbidden           the token has none of the operation's scopes
//	404 NotFound            no such job log in that application, no job logs at
//	                        all for the application (the list), or no such route
//	405 MethodNotAllowed    a known path with a method the spec does not list (with Allow)
//	414 Validation          a request target or query over Options.MaxURIBytes or MaxQueryBytes
//	500 ServerError         a bug; the cause goes to Options.Logger, not to the client
//	503 ServiceUnavailable  Options.MaxInFlight requests are already being served (with Retry-After)
//
// CORS preflights are answered (an empty 204) and every answer allows any
// origin, so a browser page on another origin can use the local API as
// Losant's web app uses api.losant.com; the allowed methods and headers are
// the spec's.
//
// The token is checked before the parameters, as kin-openapi validates
// security requirements first: a request with a malformed ID and no token is
// a 401, not a 400.
//
// # Serving it safely
//
// The handler bounds what one request can cost: a request target over
// Options.MaxURIBytes (default 20 KiB) or a query over MaxQueryBytes
// (16 KiB) is refused before it is parsed, and at most MaxInFlight
// requests (1024) are served at once; one more is answered 503 at once
// with Retry-After: 1, which losant-go's client retries. Connections are
// the server's business: serve the handler with NewServer, which sets
// read-header, read, write and idle timeouts and a header size bound, so
// that clients that dribble their headers, never finish their request or
// stop reading their answer lose their connection instead of holding it:
//
//	srv := api.NewServer(h, api.ServerOptions{}) // the defaults
//	srv.Addr = "127.0.0.1:8080"
//	err := srv.ListenAndServe()
//
// The losant CLI's serve and demo commands serve it this way. Requests
// net/http cannot parse never reach the handler; NewServer says how
// net/http answers them.
//
// # Tokens
//
// Options.Tokens maps each accepted token to its scopes. A token with no
// scopes has full access. A handler given no tokens at all accepts any
// non-empty bearer token with full access (handy for demos and for tests that
// do not care about auth), and still answers 401 to a request without one.
//
// # Data
//
// A Store holds job logs in memory and is safe for concurrent use. Seed it
// from a JSON file (LoadFile), from openapi.yaml's examples (ExampleStore) or
// from Go (Put, PutJSON); Store.Simulate runs a job through queued,
// inProgress and completed, errored or failed while clients watch it.
package api
