//go:build integration

package dovecot

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

const (
	carol     = "carol@example.com"
	incidents = "incidents@example.com"
	goodToken = "carols-token"
)

var rigUsers = map[string]string{carol: "carol-pw", incidents: "incidents-pw"}

// startIntrospection is the OAuth2 provider's token introspection: only
// goodToken is active, and it is carol's. It counts the checks.
func startIntrospection(t *testing.T) (string, *atomic.Int32) {
	var checks atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		checks.Add(1)
		// Dovecot's HTTP client does not retry on a connection the server
		// closed while idle.
		w.Header().Set("Connection", "close")
		w.Header().Set("Content-Type", "application/json")
		answer := map[string]any{"active": false}
		if r.Method == http.MethodPost && r.PostFormValue("token") == goodToken {
			answer = map[string]any{"active": true, "email": carol}
		}
		json.NewEncoder(w).Encode(answer)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/introspect", &checks
}

// dial connects with a deadline for the whole test of the connection: a
// client left waiting by a server fails instead of hanging.
func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	conn.SetDeadline(time.Now().Add(20 * time.Second))
	t.Cleanup(func() { conn.Close() })
	return conn
}

// TestDovecotTLS: both IMAP listeners present the certificate of the
// private CA for each of its names, and only a client trusting that CA
// accepts it; PLAIN still works without TLS.
func TestDovecotTLS(t *testing.T) {
	s := StartWith(t, rigUsers, Options{TLS: true})
	pem, err := os.ReadFile(s.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		t.Fatalf("%s holds no certificate", s.CAFile)
	}
	for _, name := range []string{"127.0.0.1", "localhost", TLSName} {
		cfg := &tls.Config{RootCAs: roots, ServerName: name}
		c := imapclient.New(tls.Client(dial(t, s.TLSAddr), cfg), nil)
		if err := c.Login(carol, rigUsers[carol]).Wait(); err != nil {
			t.Errorf("implicit TLS as %s: %v", name, err)
		}
		c.Close()
		c, err := imapclient.NewStartTLS(dial(t, s.Addr), &imapclient.Options{TLSConfig: cfg})
		if err != nil {
			t.Errorf("STARTTLS as %s: %v", name, err)
			continue
		}
		if err := c.Login(carol, rigUsers[carol]).Wait(); err != nil {
			t.Errorf("login after STARTTLS as %s: %v", name, err)
		}
		c.Close()
	}

	var unknownCA x509.UnknownAuthorityError
	_, err = imapclient.NewStartTLS(dial(t, s.Addr), &imapclient.Options{TLSConfig: &tls.Config{ServerName: "localhost"}})
	if !errors.As(err, &unknownCA) {
		t.Errorf("STARTTLS without the CA: %v, want an unknown authority", err)
	}
	var wrongName x509.HostnameError
	_, err = imapclient.NewStartTLS(dial(t, s.Addr), &imapclient.Options{TLSConfig: &tls.Config{RootCAs: roots, ServerName: "example.com"}})
	if !errors.As(err, &wrongName) {
		t.Errorf("STARTTLS as example.com: %v, want a name mismatch", err)
	}
	if _, err := s.Count(carol, "INBOX"); err != nil {
		t.Errorf("PLAIN without TLS: %v", err)
	}
}

// TestDovecotMechanisms: every mechanism Dovecot is asked to offer logs in
// as the right user with the right secret, and refuses a wrong one.
func TestDovecotMechanisms(t *testing.T) {
	url, checks := startIntrospection(t)
	s := StartWith(t, rigUsers, Options{OAuth2IntrospectionURL: url, Mechanisms: []string{"cram-md5", "scram-sha-256"}})
	// Carol's INBOX holds one mail and the other user's none: a session
	// that sees it is carol's.
	if err := s.Append(carol, "INBOX", mailTo(carol, "mine")); err != nil {
		t.Fatal(err)
	}
	pw := rigUsers[carol]
	for _, tc := range []struct {
		name      string
		good, bad sasl.Client
	}{
		{"PLAIN", sasl.NewPlainClient("", carol, pw), sasl.NewPlainClient("", carol, "wrong")},
		{"CRAM-MD5", cramMD5{carol, pw}, cramMD5{carol, "wrong"}},
		{"SCRAM-SHA-256", &scramSHA256{user: carol, password: pw}, &scramSHA256{user: carol, password: "wrong"}},
		{"XOAUTH2", &oauthClient{user: carol, token: goodToken}, &oauthClient{user: carol, token: "stolen"}},
		{"OAUTHBEARER", &oauthClient{user: carol, token: goodToken, bearer: true}, &oauthClient{user: carol, token: "stolen", bearer: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tp, reply, err := imapAuthenticate(dial(t, s.Addr), tc.good)
			if err != nil || !strings.HasPrefix(reply, "a OK") {
				t.Fatalf("good secret: %q %v", reply, err)
			}
			tp.PrintfLine("b STATUS INBOX (MESSAGES)")
			status, err := tp.ReadLine()
			if err != nil || !strings.Contains(status, "(MESSAGES 1)") {
				t.Fatalf("the session does not see carol's INBOX: %q %v", status, err)
			}
			if _, reply, err := imapAuthenticate(dial(t, s.Addr), tc.bad); err != nil || !strings.HasPrefix(reply, "a NO") {
				t.Fatalf("bad secret: %q %v", reply, err)
			}
			if o, ok := tc.bad.(*oauthClient); ok && errorStatus(o.challenge) == "" {
				t.Errorf("no error challenge before the refusal: %q", o.challenge)
			}
		})
	}
	if n := checks.Load(); n < 4 {
		t.Errorf("the introspection endpoint was asked %d times, want at least 4", n)
	}
}

// postfixRig is a Dovecot with every option and a Postfix in front of it.
func postfixRig(t *testing.T) (*Server, *Postfix) {
	url, _ := startIntrospection(t)
	d := StartWith(t, rigUsers, Options{TLS: true, OAuth2IntrospectionURL: url,
		Mechanisms: []string{"cram-md5", "scram-sha-256"}, Postfix: true})
	return d, StartPostfix(t, d)
}

// smtpClient connects to one of Postfix's listeners, with TLS where it
// requires it.
func smtpClient(t *testing.T, d *Server, p *Postfix, addr string) *smtp.Client {
	t.Helper()
	conn := dial(t, addr)
	cfg := d.TLSConfig()
	var c *smtp.Client
	switch addr {
	case p.PlainAddr:
		c = smtp.NewClient(conn)
	case p.SubmissionAddr:
		cfg.ServerName = TLSName
		var err error
		if c, err = smtp.NewClientStartTLS(conn, cfg); err != nil {
			t.Fatalf("STARTTLS: %v", err)
		}
	case p.SMTPSAddr:
		cfg.ServerName = "127.0.0.1"
		c = smtp.NewClient(tls.Client(conn, cfg))
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// send sends one mail as incidents to carol through c.
func send(c *smtp.Client, subject string) error {
	if err := c.Mail(incidents, nil); err != nil {
		return err
	}
	if err := c.Rcpt("carol+tag@example.com", nil); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(mailTo(carol, subject)); err != nil {
		return err
	}
	return w.Close()
}

// smtpCode is the reply code of an SMTP error, 0 for any other error.
func smtpCode(err error) int {
	var e *smtp.SMTPError
	if errors.As(err, &e) {
		return e.Code
	}
	return 0
}

// TestPostfix: each listener takes mail from a client that logged in with
// a password or a token checked by Dovecot, and the mail arrives in the
// recipient's Dovecot INBOX; a client that skips AUTH, or fails it, cannot
// send.
func TestPostfix(t *testing.T) {
	d, p := postfixRig(t)
	listeners := map[string]string{"plain": p.PlainAddr, "submission": p.SubmissionAddr, "smtps": p.SMTPSAddr}

	for name, addr := range listeners {
		t.Run("PLAIN over "+name, func(t *testing.T) {
			c := smtpClient(t, d, p, addr)
			if !c.SupportsAuth("PLAIN") || !c.SupportsAuth("XOAUTH2") {
				ok, mechs := c.Extension("AUTH")
				t.Fatalf("AUTH offered %v: %q", ok, mechs)
			}
			if err := c.Auth(sasl.NewPlainClient("", incidents, rigUsers[incidents])); err != nil {
				t.Fatal(err)
			}
			if err := send(c, "via "+name); err != nil {
				t.Fatal(err)
			}
		})
		t.Run("no AUTH over "+name, func(t *testing.T) {
			if code := smtpCode(send(smtpClient(t, d, p, addr), "anonymous")); code/100 != 5 {
				t.Fatalf("unauthenticated mail: code %d, want 5xx", code)
			}
		})
		t.Run("bad password over "+name, func(t *testing.T) {
			c := smtpClient(t, d, p, addr)
			if code := smtpCode(c.Auth(sasl.NewPlainClient("", incidents, "wrong"))); code != 535 {
				t.Fatalf("bad password: code %d, want 535", code)
			}
		})
	}

	t.Run("submission requires STARTTLS", func(t *testing.T) {
		c := smtp.NewClient(dial(t, p.SubmissionAddr))
		defer c.Close()
		if ok, mechs := c.Extension("AUTH"); ok {
			t.Errorf("AUTH %s offered before STARTTLS", mechs)
		}
		if ok, _ := c.Extension("STARTTLS"); !ok {
			t.Error("STARTTLS not offered")
		}
		if code := smtpCode(c.Mail(incidents, nil)); code != 530 {
			t.Errorf("MAIL before STARTTLS: code %d, want 530", code)
		}
	})

	t.Run("XOAUTH2", func(t *testing.T) {
		c := smtpClient(t, d, p, p.SubmissionAddr)
		if err := c.Auth(&oauthClient{user: carol, token: goodToken}); err != nil {
			t.Fatalf("good token refused: %v", err)
		}
		bad := &oauthClient{user: carol, token: "stolen"}
		if code := smtpCode(smtpClient(t, d, p, p.SubmissionAddr).Auth(bad)); code != 535 {
			t.Errorf("bad token: code %d, want 535", code)
		}
		if errorStatus(bad.challenge) == "" {
			t.Errorf("no error challenge before the refusal: %q", bad.challenge)
		}
	})

	t.Run("CRAM-MD5 and SCRAM-SHA-256", func(t *testing.T) {
		for _, a := range []sasl.Client{cramMD5{carol, rigUsers[carol]}, &scramSHA256{user: carol, password: rigUsers[carol]}} {
			if err := smtpClient(t, d, p, p.PlainAddr).Auth(a); err != nil {
				t.Errorf("%T: %v", a, err)
			}
		}
	})

	msgs, err := d.Await(carol, "INBOX", 10*time.Second, func(raws [][]byte) bool { return len(raws) >= len(listeners) })
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, raw := range msgs {
		for name := range listeners {
			if strings.Contains(string(raw), "Subject: via "+name+"\r\n") {
				got[name] = true
			}
		}
	}
	if len(got) != len(listeners) || len(msgs) != len(listeners) {
		t.Fatalf("delivered through %v in %d mails, want each of the %d listeners once", got, len(msgs), len(listeners))
	}
}
