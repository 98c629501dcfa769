package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestEverySampleRenders renders every sample in both languages and checks
// the bodies hold no template residue, and that the digest shows its
// numbers in both bodies.
func TestEverySampleRenders(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 3, 9, 8, 0, 0, 0, time.UTC)
	if err := run(dir, now); err != nil {
		t.Fatal(err)
	}
	m := sampleMetrics(now)
	for _, lang := range []string{"es", "en"} {
		for _, s := range samples(now) {
			for _, ext := range []string{".txt", ".html"} {
				b, err := os.ReadFile(filepath.Join(dir, lang+"-"+s.name+ext))
				if err != nil {
					t.Fatal(err)
				}
				body := string(b)
				for _, bad := range []string{"<no value>", "{{", "%!", "<script", "<svg", "<img"} {
					if strings.Contains(body, bad) {
						t.Errorf("%s-%s%s holds %q", lang, s.name, ext, bad)
					}
				}
				if s.name != "digest" {
					continue
				}
				for _, n := range []int{m.Reported, m.Accepted, m.Closed} {
					if !strings.Contains(body, fmt.Sprintf(">%d<", n)) && !strings.Contains(body, fmt.Sprintf(" %d ", n)) {
						t.Errorf("%s digest%s lacks the count %d", lang, ext, n)
					}
				}
				if !strings.Contains(body, m.Resolve.Median.String()) {
					t.Errorf("%s digest%s lacks the median time to resolve %s", lang, ext, m.Resolve.Median)
				}
			}
		}
	}
}
