package mailout

import (
	"bufio"
	"bytes"
	"context"
	"log/slog"
	"math/rand/v2"
	"net/textproto"
	"slices"
	"strings"
	"testing"
	"time"

	"incidentd/mailservers/smtpsink"
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

// Mails sent together each get their own outcome: a refusal, at any
// step, fails that mail only, and the rest of the group goes through over
// the same connection, with BDAT or, one at a time, with DATA.
func TestSendTogether(t *testing.T) {
	for _, older := range []bool{false, true} {
		b := smtpsink.New(smtpsink.Options{Older: older,
			Rcpt: func(to string) error {
				if to == "nobody@example.com" {
					return errNoSuchUser
				}
				return nil
			},
			Deliver: func(attempt int, _ *smtpsink.Mail) error {
				return map[int]error{1: errNoSuchUser, 3: errTempFailure}[attempt]
			}})
		addr := startSink(t, b)
		s := &session{opts: SMTPOptions{Address: addr, TLS: TLSNone, Timeout: 10 * time.Second},
			from: "incidents@example.com", logger: slog.New(slog.DiscardHandler)}
		want := []struct {
			rcpt      string
			refusal   string // in the error; "" when accepted
			permanent bool
		}{
			{"r0@example.com", "", false},
			{"nobody@example.com", "RCPT TO:<nobody@example.com>: 550", true},
			{"r2@example.com", "550", true},
			{"bad\r\nRCPT TO:<x@example.com>", "501", true},
			{"r3@example.com", "", false},
			{"r4@example.com", "451", false},
			{"r5@example.com", "", false},
		}
		var mails []envelope
		for _, w := range want {
			data := "Subject: to " + w.rcpt + "\r\n\r\nHello.\r\n"
			mails = append(mails, envelope{rcpt: w.rcpt, data: strings.NewReader(data), size: int64(len(data))})
		}
		got := s.send(context.Background(), mails)
		s.close()
		for i, w := range want {
			if g := got[i]; (w.refusal == "") != (g.err == nil) || (g.err != nil && !strings.Contains(g.err.Error(), w.refusal)) ||
				g.permanent != w.permanent {
				t.Errorf("older server %v: mail to %q: %v (permanent %v), want %q (permanent %v)",
					older, w.rcpt, g.err, g.permanent, w.refusal, w.permanent)
			}
		}
		sessions, received := b.Sessions(), b.Received()
		var to []string
		for _, m := range received {
			to = append(to, m.To...)
		}
		if w := []string{"r0@example.com", "r3@example.com", "r5@example.com"}; !slices.Equal(to, w) || sessions != 1 {
			t.Errorf("older server %v: mail to %v over %d sessions, want %v over 1", older, to, sessions, w)
		}
		if b.BDATCommands() != map[bool]int{false: 6, true: 0}[older] {
			t.Errorf("older server %v: %d BDAT commands", older, b.BDATCommands())
		}
	}
}
