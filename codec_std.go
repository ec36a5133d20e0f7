//go:build losant_stdjson

package losant

import (
	"encoding/json"
	"errors"
	"io"
)

func newStreamDecoder(r io.Reader) streamDecoder { return json.NewDecoder(r) }

// isSyntaxError reports whether err is a JSON syntax error.
func isSyntaxError(err error) bool {
	var e *json.SyntaxError
	return errors.As(err, &e)
}

// isTypeError reports whether err is a JSON value that does not fit its Go
// type.
func isTypeError(err error) bool {
	var e *json.UnmarshalTypeError
	return errors.As(err, &e)
}
