package parse

import (
	"fmt"
	"strings"
	"testing"
)

// quoteBody is a reply above a quote of n lines, with quote headers and
// Outlook blocks inside the quote, as long threads have.
func quoteBody(n int) string {
	var b strings.Builder
	b.WriteString("ACCEPT: looks right\n\nOn Mon, Mar 3, 2025 at 9:00 AM Ann <ann@example.com> wrote:\n")
	for i := range n {
		switch i % 50 {
		case 10:
			b.WriteString("> On Sun, Mar 2, 2025 at 8:00 AM Bob <bob@example.com> wrote:\n")
		case 20:
			b.WriteString("> From: Bob <bob@example.com>\n> Sent: Sunday\n")
		default:
			fmt.Fprintf(&b, "> line %d of the quoted history, with some words in it\n", i)
		}
	}
	return b.String()
}

// BenchmarkNewText shows the trimmer's cost growing linearly: compare the
// ns/op of the sizes.
func BenchmarkNewText(b *testing.B) {
	for _, n := range []int{500, 5000} {
		body := quoteBody(n)
		b.Run(fmt.Sprintf("quote=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if NewText(body) != "ACCEPT: looks right" {
					b.Fatal("wrong new text")
				}
			}
		})
	}
}

// BenchmarkParse parses a mail with a large plain-text body (1 and 10 MB)
// of unquoted lines, the trimmer's worst case.
func BenchmarkParse(b *testing.B) {
	for _, mb := range []int{1, 10} {
		var body strings.Builder
		body.WriteString("From: Ann <ann@example.com>\nSubject: big\nContent-Type: text/plain; charset=utf-8\n\n")
		for body.Len() < mb<<20 {
			body.WriteString("Description: the export writes this line again and again, On and on\n")
		}
		raw := []byte(body.String())
		b.Run(fmt.Sprintf("body=%dMB", mb), func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			for b.Loop() {
				if _, err := Parse(raw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
