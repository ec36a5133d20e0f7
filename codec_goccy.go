//go:build !losant_stdjson

package losant

import (
	"encoding/json"
	"errors"
	"io"

	gojson "github.com/goccy/go-json"
)

func newStreamDecoder(r io.Reader) streamDecoder { return gojson.NewDecoder(r) }

// isSyntaxError reports whether err is a JSON syntax error of either
// codec (an UnmarshalJSON method may return encoding/json's).
func isSyntaxError(err error) bool {
	var std *json.SyntaxError
	var gj *gojson.SyntaxError
	return errors.As(err, &std) || errors.As(err, &gj)
}

// isTypeError reports whether err is a JSON value that does not fit its Go
// type, from either codec.
func isTypeError(err error) bool {
	var std *json.UnmarshalTypeError
	var gj *gojson.UnmarshalTypeError
	return errors.As(err, &std) || errors.As(err, &gj)
}
