package mailin

import (
	"path"
	"strings"
	"testing"
	"unicode/utf8"
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
	if got := SafeFilename(long); got != long {
		t.Errorf("SafeFilename(%d bytes) = %q, want it whole", len(long), got)
	}
}

// TestSafeFilenameLong: a name longer than the file system allows is cut
// to 255 bytes on a character boundary, its extension kept.
func TestSafeFilenameLong(t *testing.T) {
	for _, name := range []string{
		strings.Repeat("報告書", 30) + ".xlsx",     // 3-byte characters
		strings.Repeat("a", 250) + "é" + ".pdf", // the cut falls inside "é"
		strings.Repeat("x", 300),                // no extension
		"ok." + strings.Repeat("z", 300),        // an "extension" too long to be one
		strings.Repeat("🙂", 70) + ".png",        // 4-byte characters
	} {
		got := SafeFilename(name)
		if len(got) > maxFilename || !utf8.ValidString(got) || !strings.HasPrefix(name, strings.TrimSuffix(got, path.Ext(got))) {
			t.Errorf("SafeFilename(%.20q…) = %q (%d bytes)", name, got, len(got))
		}
		if ext := path.Ext(name); len(ext) <= maxExtension && !strings.HasSuffix(got, ext) {
			t.Errorf("SafeFilename(%.20q…) = %q lost its extension %q", name, got, ext)
		}
		if len(got) < maxFilename-3 {
			t.Errorf("SafeFilename(%.20q…) = %q cut more than a character too short (%d bytes)", name, got, len(got))
		}
	}
}
