package dovecot

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/mail"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Envelope is one mail the Sink accepted.
type Envelope struct {
	From      string
	To        []string
	MessageID string // without <>
	Data      []byte
}

// Sink is an SMTP server on loopback that accepts every mail, records it,
// and hands it to Deliver when set (e.g. Server.Append into the
// recipient's INBOX). Stop and Start take it down and bring it back on the
// same address.
type Sink struct {
	Addr string
	// Deliver, when set, is called for each recipient of each mail before
	// the mail is accepted; an error makes the server answer 451, or the
	// error itself when it is an *smtp.SMTPError. Set it before the first
	// mail arrives.
	Deliver func(to string, raw []byte) error

	t    testing.TB
	mu   sync.Mutex
	got  []Envelope
	srv  *smtp.Server
	ln   net.Listener
	wake chan struct{} // closed and replaced when a mail arrives
}

// StartSink starts a Sink and stops it when the test ends.
func StartSink(t testing.TB, deliver func(to string, raw []byte) error) *Sink {
	t.Helper()
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	k := &Sink{Addr: net.JoinHostPort("127.0.0.1", port), Deliver: deliver, t: t, wake: make(chan struct{})}
	k.Start()
	t.Cleanup(k.Stop)
	return k
}

// Start listens again after Stop.
func (k *Sink) Start() {
	k.t.Helper()
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.srv != nil {
		return
	}
	var l net.Listener
	var err error
	// The port of a stopped sink may linger a moment.
	for range 50 {
		if l, err = net.Listen("tcp", k.Addr); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		k.t.Fatalf("smtp sink: %v", err)
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &sinkSession{sink: k}, nil
	}))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = time.Minute, time.Minute
	// Clients killed mid-session are the point of some tests: not news.
	srv.ErrorLog = log.New(io.Discard, "", 0)
	k.srv, k.ln = srv, l
	go srv.Serve(l)
}

// Stop closes the listener and every connection: clients get "connection
// refused" until Start.
func (k *Sink) Stop() {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.srv != nil {
		// Serve may not have taken the listener yet: close it here too.
		k.ln.Close()
		k.srv.Close()
		k.srv, k.ln = nil, nil
	}
}

// Received returns the mails accepted so far, in order.
func (k *Sink) Received() []Envelope {
	k.mu.Lock()
	defer k.mu.Unlock()
	return slices.Clone(k.got)
}

// Wait waits until done holds for the mails received, or timeout passes.
func (k *Sink) Wait(timeout time.Duration, done func([]Envelope) bool) ([]Envelope, error) {
	deadline := time.After(timeout)
	for {
		k.mu.Lock()
		got, wake := slices.Clone(k.got), k.wake
		k.mu.Unlock()
		if done(got) {
			return got, nil
		}
		select {
		case <-wake:
		case <-deadline:
			return got, fmt.Errorf("smtp sink: condition not met after %v (%d mails received)", timeout, len(got))
		}
	}
}

func (k *Sink) record(e Envelope) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.got = append(k.got, e)
	close(k.wake)
	k.wake = make(chan struct{})
}

type sinkSession struct {
	sink *Sink
	from string
	to   []string
}

func (s *sinkSession) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}

func (s *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

func (s *sinkSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if len(s.to) == 0 {
		return errors.New("no recipients")
	}
	if s.sink.Deliver != nil {
		for _, to := range s.to {
			err := s.sink.Deliver(to, raw)
			if smtpErr := (*smtp.SMTPError)(nil); errors.As(err, &smtpErr) {
				return smtpErr
			}
			if err != nil {
				return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0},
					Message: fmt.Sprintf("delivery to %s failed: %v", to, err)}
			}
		}
	}
	id := ""
	if m, err := mail.ReadMessage(bytes.NewReader(raw)); err == nil {
		id = strings.Trim(m.Header.Get("Message-Id"), "<> ")
	}
	s.sink.record(Envelope{From: s.from, To: slices.Clone(s.to), MessageID: id, Data: raw})
	return nil
}

func (s *sinkSession) Reset()        { s.from, s.to = "", nil }
func (s *sinkSession) Logout() error { return nil }
