package mailout

import (
	"bufio"
	"bytes"
	"math/rand/v2"
	"net/textproto"
	"testing"
)

// dotWriter writes what textproto's DotWriter writes, however the content
// is cut into writes. (They differ on a CR that ends no line, which mail
// never holds.)
func TestDotWriterLikeTextproto(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	tokens := []string{".", "a", "b", "\n", "\r\n"}
	for range 2000 {
		var content []byte
		for range rng.IntN(30) {
			content = append(content, tokens[rng.IntN(len(tokens))]...)
		}
		var want bytes.Buffer
		tw := textproto.NewWriter(bufio.NewWriter(&want)).DotWriter()
		tw.Write(content)
		tw.Close()

		var got bytes.Buffer
		dw := &dotWriter{w: bufio.NewWriter(&got), bol: true}
		for rest := content; len(rest) > 0; {
			n := 1 + rng.IntN(len(rest))
			dw.Write(rest[:n])
			rest = rest[n:]
		}
		dw.Close()
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Fatalf("content %q: got %q, want %q", content, got.Bytes(), want.Bytes())
		}
	}
}
