// Package contract holds the drift test between openapi.yaml and the JSON
// Schemas Losant publishes for the job log and error bodies. It has no
// non-test code.
//
// The published schemas are Losant's and are never copied into this
// repository: the test reads them from the folder named by the
// LOSANT_PUBLISHED_SCHEMAS environment variable (an absolute path) and skips
// when the variable is unset. Run it with
//
//	LOSANT_PUBLISHED_SCHEMAS=/abs/path/to/losant-published-schemas go test ./internal/contract/
package contract
