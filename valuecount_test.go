package losant

import (
	"bytes"
	"testing"
)

// countValues is the byte-by-byte reference of valueCounter: objects,
// arrays and commas outside strings.
func countValues(b []byte) int64 {
	var n int64
	in, esc := false, false
	for _, c := range b {
		switch {
		case esc:
			esc = false
		case in:
			switch c {
			case '\\':
				esc = true
			case '"':
				in = false
			}
		case c == '"':
			in = true
		case c == '{' || c == '[' || c == ',':
			n++
		}
	}
	return n
}

// FuzzValueCounter checks the fast scan against the reference, with the
// body cut into pieces of every size (a string, an escape or a quote may
// straddle two reads).
func FuzzValueCounter(f *testing.F) {
	for _, seed := range []string{
		`{"a":[1,2,{"b":"x,y{["}],"c":"\"q\",\\"}`,
		`{"s":"a\\\\","t":",,,"}`,
		`[{},{},{}]`,
		`{"e":"\u0022,\u005c"}`,
		`"unterminated, {[`,
	} {
		f.Add([]byte(seed), uint8(3))
	}
	f.Fuzz(func(t *testing.T, body []byte, piece uint8) {
		size := int(piece)%17 + 1
		want := countValues(body)
		v := &valueCounter{r: bytes.NewReader(body), left: want}
		buf := make([]byte, size)
		for {
			_, err := v.Read(buf)
			if err == errTooManyValues {
				t.Fatalf("counted more than %d values in %q read %d bytes at a time", want, body, size)
			}
			if err != nil {
				break
			}
		}
		if v.left != 0 {
			t.Fatalf("counted %d values in %q read %d bytes at a time, want %d", want-v.left, body, size, want)
		}
	})
}
