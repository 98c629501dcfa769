package mailin

import (
	"strings"
	"testing"
)

func TestSafeFilename(t *testing.T) {
	long := strings.Repeat("é", 100) + ".pdf"
	cases := map[string]string{
		"report.pdf":                     "report.pdf",
		"../../etc/passwd":               "passwd",
		`C:\Users\carol\screen shot.png`: "screen shot.png",
		"a\x00b\r\nBcc: x\x07.txt":       "abBcc: x.txt",
		"evil\u202egnp.exe":              "evilgnp.exe",
		"...hidden":                      "hidden",
		"dir/":                           "dir",
		"":                               "attachment",
		"/":                              "attachment",
		"..":                             "attachment",
		"\x01\x02":                       "attachment",
		"bad\xffutf8.txt":                "badutf8.txt",
	}
	for in, want := range cases {
		if got := SafeFilename(in); got != want {
			t.Errorf("SafeFilename(%q) = %q, want %q", in, got, want)
		}
	}
	got := SafeFilename(long)
	if len(got) > maxFilename || !strings.HasSuffix(got, "é.pdf") {
		t.Errorf("SafeFilename(long) = %q (%d bytes)", got, len(got))
	}
}
