package mailout

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log"
	"net"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"incidentd/mailout/render/rendertest"
	"incidentd/workflow/store"
)

// testFrom is the sender of the tests' mail.
const testFrom = rendertest.From

// received is one mail as the SMTP server got it.
type received struct {
	From string
	To   []string
	Data []byte
}

// sink is a go-smtp backend that records what it receives. refuse, when
// set, is asked for every DATA command (numbered from 0) and may refuse it;
// refuseRcpt, for every recipient.
type sink struct {
	mu         sync.Mutex
	sessions   int
	attempts   int
	mails      []received
	refuse     func(attempt int) error
	refuseRcpt func(to string) error
	// older takes CHUNKING and 8BITMIME out of the server's EHLO reply,
	// so that mail goes with DATA and quoted-printable bodies.
	older bool
	bdat  int // BDAT commands received
	// users, when set, are the accounts of AUTH PLAIN and LOGIN (offered
	// without TLS, as on a relay for this machine), and mail is taken only
	// after a login.
	users  map[string]string
	logins []string // the mechanism and user of each login
}

func (b *sink) NewSession(*smtp.Conn) (smtp.Session, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.sessions++
	return &sinkSession{b: b}, nil
}

func (b *sink) dataAttempts() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.attempts
}

func (b *sink) snapshot() (sessions int, mails []received) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.sessions, append([]received(nil), b.mails...)
}

type sinkSession struct {
	b      *sink
	from   string
	to     []string
	authed bool
}

func (s *sinkSession) AuthMechanisms() []string {
	if s.b.users == nil {
		return nil
	}
	return []string{sasl.Plain, sasl.Login}
}

func (s *sinkSession) Auth(mech string) (sasl.Server, error) {
	check := func(user, pass string) error {
		if want, ok := s.b.users[user]; !ok || want != pass {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
		}
		s.b.mu.Lock()
		defer s.b.mu.Unlock()
		s.b.logins = append(s.b.logins, mech+" "+user)
		s.authed = true
		return nil
	}
	if mech == sasl.Plain {
		return sasl.NewPlainServer(func(_, user, pass string) error { return check(user, pass) }), nil
	}
	return &loginServer{check: check}, nil
}

// loginServer is the server side of the LOGIN mechanism, which go-sasl
// lacks: it asks for the user name, then the password.
type loginServer struct {
	check func(user, pass string) error
	user  *string
}

func (l *loginServer) Next(response []byte) ([]byte, bool, error) {
	switch {
	case response == nil:
		return []byte("Username:"), false, nil
	case l.user == nil:
		user := string(response)
		l.user = &user
		return []byte("Password:"), false, nil
	}
	return nil, true, l.check(*l.user, string(response))
}

func (s *sinkSession) Reset()        { s.from, s.to = "", nil }
func (s *sinkSession) Logout() error { return nil }
func (s *sinkSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.b.users != nil && !s.authed {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	}
	s.from = from
	return nil
}
func (s *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.b.refuseRcpt != nil {
		if err := s.b.refuseRcpt(to); err != nil {
			return err
		}
	}
	s.to = append(s.to, to)
	return nil
}
func (s *sinkSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	attempt := s.b.attempts
	s.b.attempts++
	if s.b.refuse != nil {
		if err := s.b.refuse(attempt); err != nil {
			return err
		}
	}
	s.b.mails = append(s.b.mails, received{From: s.from, To: s.to, Data: data})
	return nil
}

var (
	errTempFailure = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"}
	errNoSuchUser  = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user"}
)

// transmissions runs test once with a server that offers CHUNKING and
// 8BITMIME, where a mail goes with BDAT and 8-bit bodies, and once with
// one that offers neither, where it goes with DATA and quoted-printable
// bodies, and checks which was used.
func transmissions(t *testing.T, b func() *sink, test func(t *testing.T, b *sink)) {
	for _, older := range []bool{false, true} {
		t.Run(map[bool]string{false: "BDAT", true: "DATA"}[older], func(t *testing.T) {
			sk := b()
			sk.older = older
			test(t, sk)
			_, mails := sk.snapshot()
			sk.mu.Lock()
			defer sk.mu.Unlock()
			if used := sk.bdat > 0; used == older {
				t.Errorf("%d BDAT commands from a server without CHUNKING: %v", sk.bdat, older)
			}
			want := map[bool]string{false: "8bit", true: "quoted-printable"}[older]
			for _, m := range mails {
				if !bytes.Contains(m.Data, []byte("Content-Transfer-Encoding: "+want+"\r\n")) {
					t.Errorf("a mail without %s bodies:\n%s", want, m.Data)
				}
			}
		})
	}
}

// tap is a listener whose connections count the BDAT commands b receives
// and, if b says so, hide the server's CHUNKING and 8BITMIME.
type tap struct {
	net.Listener
	b *sink
}

func (l tap) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return tapConn{c, l.b}, nil
}

type tapConn struct {
	net.Conn
	b *sink
}

func (c tapConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.b.mu.Lock()
	c.b.bdat += bytes.Count(p[:n], []byte("BDAT "))
	c.b.mu.Unlock()
	return n, err
}

func (c tapConn) Write(p []byte) (int, error) {
	if !c.b.older {
		return c.Conn.Write(p)
	}
	q := bytes.ReplaceAll(p, []byte("250-CHUNKING\r\n"), nil)
	if _, err := c.Conn.Write(bytes.ReplaceAll(q, []byte("250-8BITMIME\r\n"), nil)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// startSink runs a plain SMTP server for b on loopback and returns its
// address.
func startSink(t *testing.T, b *sink) string { return startTLSSink(t, b, nil, false) }

// startTLSSink runs an SMTP server for b on loopback that offers STARTTLS
// with cfg, or speaks TLS from the start when implicit.
func startTLSSink(t *testing.T, b *sink, cfg *tls.Config, implicit bool) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l = tap{l, b}
	if implicit {
		l = tls.NewListener(l, cfg)
	}
	srv := smtp.NewServer(b)
	srv.Domain = "localhost"
	srv.ErrorLog = log.New(io.Discard, "", 0)
	srv.TLSConfig = cfg
	srv.AllowInsecureAuth = b.users != nil
	go func() {
		if err := srv.Serve(l); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
			t.Errorf("smtp server: %v", err)
		}
	}()
	t.Cleanup(func() { srv.Close() })
	return l.Addr().String()
}

func openStore(t *testing.T) *store.Store {
	t.Helper()
	dir := t.TempDir()
	s, err := store.Open(context.Background(), filepath.Join(dir, "incidentd.db"), filepath.Join(dir, "attachments"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// clock is a settable time source.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// t0 is the tests' present, the sample incident's creation.
var t0 = rendertest.T0
