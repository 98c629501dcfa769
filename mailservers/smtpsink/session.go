package smtpsink

import (
	"errors"
	"io"
	"net"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// session is one client's conversation with the sink.
type session struct {
	sink   *Sink
	helo   string
	remote net.Addr
	authed bool

	from string
	to   []string
}

func (k *Sink) newSession(c *smtp.Conn) (smtp.Session, error) {
	k.sessions.Add(1)
	return &session{sink: k, helo: c.Hostname(), remote: c.Conn().RemoteAddr()}, nil
}

func (s *session) AuthMechanisms() []string {
	if s.sink.o.Login == nil {
		return nil
	}
	return []string{sasl.Plain, sasl.Login}
}

func (s *session) Auth(mech string) (sasl.Server, error) {
	if s.sink.o.Login == nil {
		return nil, smtp.ErrAuthUnsupported
	}
	check := func(identity, user, password string) error {
		if (identity != "" && identity != user) || s.sink.o.Login(user, password) != nil {
			return smtp.ErrAuthFailed
		}
		s.sink.login(mech, user)
		s.authed = true
		return nil
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(check), nil
	case sasl.Login:
		return &loginServer{check: func(user, password string) error { return check("", user, password) }}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

// loginServer is the server side of the LOGIN mechanism, which go-sasl
// lacks: it asks for the user name, then the password.
type loginServer struct {
	check func(user, password string) error
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

var errLoginRequired = &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.sink.o.LoginRequired && !s.authed {
		return errLoginRequired
	}
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.sink.o.Rcpt != nil {
		if err := s.sink.o.Rcpt(to); err != nil {
			return answer(err)
		}
	}
	s.to = append(s.to, to)
	return nil
}

// Data is the hot path of a load test: with Options.Discard and no
// Deliver, the mail is read into nothing and recorded under one lock.
func (s *session) Data(r io.Reader) error {
	k := s.sink
	m := Mail{From: s.from, To: s.to, Helo: s.helo, RemoteAddr: s.remote}
	deliver := k.deliver.Load()
	var err error
	if k.o.Discard && deliver == nil {
		_, err = io.Copy(io.Discard, r)
	} else {
		m.Data, err = io.ReadAll(r)
	}
	if err != nil {
		return err
	}
	m.Time = time.Now()
	n := int(k.attempts.Add(1) - 1)
	if deliver != nil {
		if err := (*deliver)(n, &m); err != nil {
			return answer(err)
		}
	}
	if k.o.Discard {
		m.Data = nil
	}
	k.accept(m)
	return nil
}

func (s *session) Reset()        { s.from, s.to = "", nil }
func (s *session) Logout() error { return nil }

// answer is the reply to a refusal: an *smtp.SMTPError as it is, any
// other error a temporary failure.
func answer(err error) error {
	if smtpErr := (*smtp.SMTPError)(nil); errors.As(err, &smtpErr) {
		return smtpErr
	}
	return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: err.Error()}
}
