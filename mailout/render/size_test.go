package render

import (
	"testing"
	"time"

	"incidentd/workflow"
)

func TestByteSize(t *testing.T) {
	for _, c := range []struct {
		n      int64
		es, en string
	}{
		{0, "0 bytes", "0 bytes"},
		{1, "1 byte", "1 byte"},
		{1023, "1023 bytes", "1023 bytes"},
		{1024, "1 KB", "1 KB"},
		{12800, "12,5 KB", "12.5 KB"},
		{2 << 20, "2 MB", "2 MB"},
		{1536 << 20, "1,5 GB", "1.5 GB"},
	} {
		if got := byteSize("es", c.n); got != c.es {
			t.Errorf("byteSize(es, %d) = %q, want %q", c.n, got, c.es)
		}
		if got := byteSize("en", c.n); got != c.en {
			t.Errorf("byteSize(en, %d) = %q, want %q", c.n, got, c.en)
		}
	}
}

// TestSpan: a span of time in a sentence, to its two largest parts as
// the compact form has them, in each language's words.
func TestSpan(t *testing.T) {
	for _, c := range []struct {
		d      time.Duration
		es, en string
	}{
		{14 * 24 * time.Hour, "14 días", "14 days"},
		{30 * time.Hour, "1 día y 6 horas", "1 day 6 hours"},
		{24*time.Hour + 5*time.Minute, "1 día", "1 day"},
		{5*time.Hour + 20*time.Minute, "5 horas y 20 minutos", "5 hours 20 minutes"},
		{time.Hour + 30*time.Second, "1 hora", "1 hour"},
		{12*time.Minute + 40*time.Second, "12 minutos", "12 minutes"},
		{time.Second, "1 segundo", "1 second"},
		{0, "0 segundos", "0 seconds"},
	} {
		s := workflow.SecondsOf(c.d)
		if got := span("es", s); got != c.es {
			t.Errorf("span(es, %v) = %q, want %q", c.d, got, c.es)
		}
		if got := span("en", s); got != c.en {
			t.Errorf("span(en, %v) = %q, want %q", c.d, got, c.en)
		}
	}
}
