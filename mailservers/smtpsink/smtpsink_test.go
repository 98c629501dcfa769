package smtpsink

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

func start(t *testing.T, o Options) *Sink {
	t.Helper()
	k := New(o)
	if err := k.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { k.Stop() })
	return k
}

// send sends msg to the sink without TLS, over a connection of its own.
func send(k *Sink, to string, msg string) error {
	c, err := smtp.Dial(k.Addr())
	if err != nil {
		return err
	}
	defer c.Close()
	return c.SendMail("incidents@example.com", []string{to}, strings.NewReader(msg))
}

func code(err error) int {
	var smtpErr *smtp.SMTPError
	if errors.As(err, &smtpErr) {
		return smtpErr.Code
	}
	return 0
}

func TestRecordsWhatItAcceptsAndRefusesOnDemand(t *testing.T) {
	k := start(t, Options{
		Rcpt: func(to string) error {
			if to == "nobody@example.com" {
				return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user"}
			}
			return nil
		},
		Deliver: func(n int, m *Mail) error {
			if n == 1 {
				return errors.New("mailbox busy")
			}
			return nil
		},
	})
	msg := "Message-ID: <one@example.com>\r\nSubject: one\r\n\r\nHello.\r\n"
	if err := send(k, "alice@example.com", msg); err != nil {
		t.Fatal(err)
	}
	if err := send(k, "bob@example.com", msg); code(err) != 451 {
		t.Errorf("a Deliver error answered %v, want 451", err)
	}
	if err := send(k, "nobody@example.com", msg); code(err) != 550 {
		t.Errorf("a refused recipient answered %v, want 550", err)
	}
	got := k.Received()
	if len(got) != 1 || !slices.Equal(got[0].To, []string{"alice@example.com"}) || string(got[0].Data) != msg ||
		got[0].MessageID() != "one@example.com" || got[0].From != "incidents@example.com" {
		t.Fatalf("received %+v", got)
	}
	if k.Attempts() != 2 || k.Sessions() != 3 {
		t.Errorf("%d attempts over %d sessions, want 2 over 3", k.Attempts(), k.Sessions())
	}
}

func TestStopThenStartOnTheSameAddress(t *testing.T) {
	k := start(t, Options{Discard: true})
	addr := k.Addr()
	if err := k.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := send(k, "alice@example.com", "Subject: x\r\n\r\n"); err == nil {
		t.Fatal("a stopped sink accepted mail")
	}
	if err := k.Start(); err != nil || k.Addr() != addr {
		t.Fatalf("start again: %v, on %s, want %s", err, k.Addr(), addr)
	}
	if err := send(k, "alice@example.com", "Subject: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	if got := k.Received(); len(got) != 1 || got[0].Data != nil {
		t.Errorf("received %+v, want one envelope without data", got)
	}
}

func TestLoginRequired(t *testing.T) {
	k := start(t, Options{LoginRequired: true, Login: func(user, password string) error {
		if user != "incidents@example.com" || password != "s3cret" {
			return errors.New("wrong")
		}
		return nil
	}})
	if err := send(k, "alice@example.com", "Subject: x\r\n\r\n"); code(err) != 530 {
		t.Errorf("mail without a login: %v, want 530", err)
	}
	for _, auth := range []sasl.Client{
		sasl.NewPlainClient("", "incidents@example.com", "wrong"),
		sasl.NewPlainClient("", "incidents@example.com", "s3cret"),
		sasl.NewLoginClient("incidents@example.com", "s3cret"),
	} {
		c, err := smtp.Dial(k.Addr())
		if err != nil {
			t.Fatal(err)
		}
		c.Auth(auth)
		c.Close()
	}
	if want := []string{"PLAIN incidents@example.com", "LOGIN incidents@example.com"}; !slices.Equal(k.Logins(), want) {
		t.Errorf("logins %q, want %q", k.Logins(), want)
	}
}

func TestOlderOffersNeitherChunkingNor8BitMIME(t *testing.T) {
	for _, older := range []bool{false, true} {
		c, err := smtp.Dial(start(t, Options{Older: older}).Addr())
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Hello("client.example.com"); err != nil {
			t.Fatal(err)
		}
		chunking, _ := c.Extension("CHUNKING")
		eightBit, _ := c.Extension("8BITMIME")
		if chunking == older || eightBit == older {
			t.Errorf("older %v: CHUNKING %v, 8BITMIME %v", older, chunking, eightBit)
		}
		c.Close()
	}
}
