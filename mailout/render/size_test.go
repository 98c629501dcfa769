package render

import "testing"

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
