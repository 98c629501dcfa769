package parse

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestFoldASCII: the one-pass fold of an ASCII line is upper case with
// its spaces collapsed, as strings.ToUpper and strings.Fields make it.
func TestFoldASCII(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	pieces := []string{"a", "Z", "ñ"[:1], "é", " ", "\t", "\r", "\n", "\v", "\f", "-", ">", "1", "wrote:", "  "}
	for range 5000 {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		s := b.String()
		if !ascii(s) {
			continue
		}
		if got, want := foldASCII(s), strings.Join(strings.Fields(strings.ToUpper(s)), " "); got != want {
			t.Fatalf("foldASCII(%q) = %q, want %q", s, got, want)
		}
	}
}
