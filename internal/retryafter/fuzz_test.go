package retryafter_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/losant-go/losant-go/internal/retryafter"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// FuzzParse: whatever a server sends, the wait is never negative nor above
// Max, a rejected value gives 0, and an accepted one means what RFC 9110
// says: a number of seconds or an HTTP-date.
func FuzzParse(f *testing.F) {
	for _, v := range []string{
		"", "0", "1", "30", "86400", "86401", "18446744073709551615", "18446744073709551616", "99999999999999999999999",
		"-1", "+1", "1.5", "1e3", " 5 ", "5\t", "\t5", "0x1F", "١", "1_000",
		"Wed, 21 Oct 2015 07:28:00 GMT", "Sat, 14 Mar 2026 15:11:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT",
		"Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994", "Mon, 01 Jan 0001 00:00:00 GMT",
		"Sat, 14 Mar 2026 15:11:00 PST", "Sat, 14 Mar 2026 25:61:61 GMT", "soon", "\x00", "\xff",
	} {
		f.Add(v, int64(1773500966)) // Sat, 14 Mar 2026 15:09:26 GMT
	}
	f.Fuzz(func(t *testing.T, v string, unix int64) {
		// Any instant from year 1 to 9999, where Sub cannot overflow.
		const lo, hi = -62135596800, 253402300799
		unix = lo + (unix%(hi-lo+1)+(hi-lo+1))%(hi-lo+1)
		at := time.Unix(unix, 0).UTC()
		d, ok := retryafter.Parse(v, at)
		if d < 0 || d > retryafter.Max {
			t.Fatalf("Parse(%q) = %v, outside [0, %v]", v, d, retryafter.Max)
		}
		if !ok {
			if d != 0 {
				t.Fatalf("Parse(%q) rejected the value but returned %v", v, d)
			}
			if s := strings.TrimSpace(v); s != "" && allDigits(s) {
				t.Fatalf("Parse(%q) rejected a number of seconds", v)
			}
			return
		}
		s := strings.TrimSpace(v)
		if allDigits(s) {
			want := retryafter.Max
			if n, err := strconv.ParseUint(s, 10, 64); err == nil && n <= uint64(retryafter.Max/time.Second) {
				want = time.Duration(n) * time.Second
			}
			if d != want {
				t.Fatalf("Parse(%q) = %v, want %v", v, d, want)
			}
			return
		}
		date, err := http.ParseTime(s)
		if err != nil {
			t.Fatalf("Parse(%q) = (%v, true), but it is neither a number of seconds nor an HTTP-date", v, d)
		}
		if want := min(max(date.Sub(at), 0), retryafter.Max); d != want {
			t.Fatalf("Parse(%q) at %v = %v, want %v", v, at, d, want)
		}
	})
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
