package retryafter_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/losant-go/losant-go/internal/retryafter"
)

func TestParse(t *testing.T) {
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) string { return now.Add(d).Format(http.TimeFormat) }
	tests := []struct {
		in     string
		want   time.Duration
		wantOK bool
	}{
		{"0", 0, true},
		{"1", time.Second, true},
		{" 120 ", 2 * time.Minute, true},
		{"86400", retryafter.Max, true},
		{"86401", retryafter.Max, true},
		{"99999999999999999999999", retryafter.Max, true},
		{at(90 * time.Second), 90 * time.Second, true},
		{at(-time.Hour), 0, true},
		{at(48 * time.Hour), retryafter.Max, true},
		{"Sunday, 29-Nov-26 12:00:05 GMT", 5 * time.Second, true}, // RFC 850 form
		{"Sun Nov 29 12:00:07 2026", 7 * time.Second, true},       // asctime form
		{"", 0, false},
		{"-1", 0, false},
		{"1.5", 0, false},
		{"soon", 0, false},
		{"12abc", 0, false},
	}
	for _, tt := range tests {
		got, ok := retryafter.Parse(tt.in, now)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("Parse(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}
