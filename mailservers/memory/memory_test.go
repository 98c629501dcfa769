package memory

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

func start(t *testing.T) *System {
	t.Helper()
	s, err := Start(Options{Domain: "example.com", Users: map[string]string{
		"incidents": "pw-incidents", "alice": "pw-alice",
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func mail(subject string) []byte {
	return []byte("From: Bob <bob@elsewhere.test>\r\nTo: incidents@example.com\r\n" +
		"Subject: " + subject + "\r\n\r\nThe printer is on fire.\r\n")
}

func TestSubAddressLandsInUsersInbox(t *testing.T) {
	s := start(t)
	if err := s.Send("bob@elsewhere.test", []string{"Incidents+tok123@Example.com"}, mail("first")); err != nil {
		t.Fatal(err)
	}
	if err := s.Send("bob@elsewhere.test", []string{"alice@example.com"}, mail("second")); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	msgs, err := s.WaitMessages(ctx, "incidents", "INBOX", 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 {
		t.Fatalf("incidents has %d messages, want 1", len(msgs))
	}
	for _, want := range []string{
		"Return-Path: <bob@elsewhere.test>\r\n",
		"Delivered-To: Incidents+tok123@Example.com\r\n",
		"Received: from ",
		"Subject: first\r\n",
		"The printer is on fire.",
	} {
		if !bytes.Contains(msgs[0], []byte(want)) {
			t.Errorf("delivered mail lacks %q:\n%s", want, msgs[0])
		}
	}
	if !bytes.HasPrefix(msgs[0], []byte("Return-Path: ")) {
		t.Errorf("trace header not prepended:\n%s", msgs[0])
	}
	alice, err := s.Messages("alice@example.com", "INBOX")
	if err != nil || len(alice) != 1 || !bytes.Contains(alice[0], []byte("Subject: second")) {
		t.Fatalf("alice's INBOX = %d messages, %v", len(alice), err)
	}
}

func TestUnknownRecipientIsRefused(t *testing.T) {
	s := start(t)
	for _, to := range []string{"nobody@example.com", "alice@elsewhere.test"} {
		err := s.Send("bob@elsewhere.test", []string{to}, mail("lost"))
		var smtpErr *smtp.SMTPError
		if !errors.As(err, &smtpErr) || smtpErr.Code != 550 {
			t.Errorf("send to %s: %v, want a 550 refusal", to, err)
		}
	}
	if msgs, err := s.Messages("incidents", "INBOX"); err != nil || len(msgs) != 0 {
		t.Fatalf("INBOX = %d messages, %v; want none", len(msgs), err)
	}
}

func TestAuthPlainAcceptsUsersPasswords(t *testing.T) {
	s := start(t)
	for _, tc := range []struct {
		user, password string
		ok             bool
	}{
		{"alice", "pw-alice", true},
		{"alice@example.com", "pw-alice", true},
		{"alice", "wrong", false},
		{"mallory", "pw-alice", false},
	} {
		c, err := smtp.Dial(s.SMTPAddr)
		if err != nil {
			t.Fatal(err)
		}
		err = c.Auth(sasl.NewPlainClient("", tc.user, tc.password))
		c.Close()
		if (err == nil) != tc.ok {
			t.Errorf("AUTH PLAIN %s/%s: %v, want ok=%v", tc.user, tc.password, err, tc.ok)
		}
	}
}

func TestWaitMessagesGivesUp(t *testing.T) {
	s := start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := s.WaitMessages(ctx, "alice", "INBOX", 1); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitMessages on an empty mailbox: %v", err)
	}
}
