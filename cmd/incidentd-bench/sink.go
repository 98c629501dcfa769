package main

import (
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

// sink is an SMTP server that accepts everything and remembers when each
// recipient first received a mail.
type sink struct {
	addr  string
	srv   *smtp.Server
	mu    sync.Mutex
	count int
	first map[string]time.Time
}

func startSink() (*sink, error) {
	s := &sink{first: map[string]time.Time{}}
	s.srv = smtp.NewServer(s)
	s.srv.Domain = "sink.example.com"
	s.srv.AllowInsecureAuth = true
	s.srv.MaxMessageBytes = 256 << 20
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s.addr = ln.Addr().String()
	go s.srv.Serve(ln)
	return s, nil
}

func (s *sink) close() { s.srv.Close() }

func (s *sink) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.count, s.first = 0, map[string]time.Time{}
}

// NewSession implements smtp.Backend.
func (s *sink) NewSession(*smtp.Conn) (smtp.Session, error) { return &sinkSession{s: s}, nil }

type sinkSession struct {
	s    *sink
	rcpt []string
}

func (ss *sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (ss *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.rcpt = append(ss.rcpt, to)
	return nil
}
func (ss *sinkSession) Data(r io.Reader) error {
	if _, err := io.Copy(io.Discard, r); err != nil {
		return err
	}
	now := time.Now()
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	for _, to := range ss.rcpt {
		ss.s.count++
		if _, ok := ss.s.first[to]; !ok {
			ss.s.first[to] = now
		}
	}
	return nil
}
func (ss *sinkSession) Reset()        { ss.rcpt = nil }
func (ss *sinkSession) Logout() error { return nil }

// sent is how many mails were accepted so far.
func (s *sink) sent() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count
}

// waitCount waits until n mails were accepted.
func (s *sink) waitCount(ctx context.Context, n int) error {
	return s.wait(ctx, func() bool { return s.count >= n })
}

// waitFor waits until rcpt received a mail and says when.
func (s *sink) waitFor(ctx context.Context, rcpt string) (time.Time, error) {
	var at time.Time
	err := s.wait(ctx, func() bool {
		var ok bool
		at, ok = s.first[rcpt]
		return ok
	})
	return at, err
}

func (s *sink) wait(ctx context.Context, done func() bool) error {
	t := time.NewTicker(2 * time.Millisecond)
	defer t.Stop()
	for {
		s.mu.Lock()
		ok := done()
		s.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return errors.New("timed out waiting for the SMTP sink")
		case <-t.C:
		}
	}
}
