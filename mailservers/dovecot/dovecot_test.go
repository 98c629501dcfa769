//go:build integration

package dovecot

import (
	"fmt"
	"net/smtp"
	"strings"
	"testing"

	"incidentd/mailservers/smtpsink"
)

func mailTo(to, subject string) []byte {
	return fmt.Appendf(nil, "From: carol@example.com\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%s@example.com>\r\n\r\nbody\r\n",
		to, subject, strings.ReplaceAll(subject, " ", "-"))
}

// TestServerKeepsMailAcrossRestart: mail appended is counted and read back,
// and a restarted server still has it on the same address.
func TestServerKeepsMailAcrossRestart(t *testing.T) {
	s := Start(t, map[string]string{"incidents@example.com": "pw"})
	if err := s.Append("incidents@example.com", "INBOX", mailTo("incidents@example.com", "one"), mailTo("incidents@example.com", "two")); err != nil {
		t.Fatal(err)
	}
	s.Stop()
	if _, err := s.Count("incidents@example.com", "INBOX"); err == nil {
		t.Fatal("a stopped server answered")
	}
	s.Start()
	if n, err := s.Count("incidents@example.com", "INBOX"); err != nil || n != 2 {
		t.Fatalf("INBOX holds %d mails (%v), want 2", n, err)
	}
	msgs, err := s.Messages("incidents@example.com", "INBOX")
	if err != nil || len(msgs) != 2 || !strings.Contains(string(msgs[1]), "Subject: two") {
		t.Fatalf("messages %q, %v", msgs, err)
	}
}

// TestDeliverIntoDovecot: mail sent to an smtpsink that delivers with
// Server.Deliver, sub-address included, lands in the recipient's INBOX and
// is recorded.
func TestDeliverIntoDovecot(t *testing.T) {
	s := Start(t, map[string]string{"carol@example.com": "pw"})
	k := smtpsink.New(smtpsink.Options{Deliver: s.Deliver})
	if err := k.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { k.Stop() })
	if err := smtp.SendMail(k.Addr(), nil, "incidents@example.com", []string{"carol+tok@example.com"}, mailTo("carol@example.com", "ack")); err != nil {
		t.Fatal(err)
	}
	if got := k.Received(); len(got) != 1 || got[0].MessageID() != "ack@example.com" {
		t.Fatalf("received %+v", got)
	}
	if n, err := s.Count("carol@example.com", "INBOX"); err != nil || n != 1 {
		t.Fatalf("carol's INBOX holds %d (%v)", n, err)
	}
}
