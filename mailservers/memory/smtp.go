package memory

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

const (
	maxMessageBytes = 64 << 20
	maxRecipients   = 100
)

// smtpSession accepts mail from anyone to the local users and delivers it
// into their INBOX. AUTH PLAIN is offered but not required.
type smtpSession struct {
	system *System
	helo   string
	remote string

	from string
	rcpt []recipient // one delivery each
}

type recipient struct {
	addr string
	user *imapmemserver.User
}

func (s *System) newSMTPSession(c *smtp.Conn) (smtp.Session, error) {
	return &smtpSession{system: s, helo: c.Hostname(), remote: c.Conn().RemoteAddr().String()}, nil
}

func (sess *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (sess *smtpSession) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, username, password string) error {
		name, u := sess.system.user(username)
		if u == nil || (identity != "" && identity != username) || u.Login(name, password) != nil {
			return smtp.ErrAuthFailed
		}
		return nil
	}), nil
}

func (sess *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	sess.from = from
	return nil
}

func (sess *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	local, domain, ok := strings.Cut(to, "@")
	if !ok || !strings.EqualFold(domain, sess.system.domain) {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1},
			Message: fmt.Sprintf("Relaying denied: only %s is served here", sess.system.domain)}
	}
	name, _, _ := strings.Cut(local, "+")
	_, u := sess.system.user(name)
	if u == nil {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1},
			Message: fmt.Sprintf("No such user: %s", to)}
	}
	sess.rcpt = append(sess.rcpt, recipient{addr: to, user: u})
	return nil
}

func (sess *smtpSession) Data(r io.Reader) error {
	body, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("read message: %w", err)
	}
	now := time.Now()
	for _, to := range sess.rcpt {
		msg := append(sess.traceHeader(to.addr, now), body...)
		if _, err := to.user.Append("INBOX", bytes.NewReader(msg), &imap.AppendOptions{Time: now}); err != nil {
			return fmt.Errorf("deliver to %s: %w", to.addr, err)
		}
		sess.system.logger.Info("demo mail delivered", "from", sess.from, "to", to.addr, "bytes", len(msg))
	}
	return nil
}

// traceHeader is what a delivering MTA prepends: the envelope sender, the
// envelope recipient and a Received line.
func (sess *smtpSession) traceHeader(to string, now time.Time) []byte {
	return fmt.Appendf(nil, "Return-Path: <%s>\r\nDelivered-To: %s\r\n"+
		"Received: from %s (%s)\r\n\tby %s (incidentd demo) with ESMTP\r\n\tfor <%s>; %s\r\n",
		sess.from, to, sess.helo, sess.remote, sess.system.domain, to, now.Format(time.RFC1123Z))
}

func (sess *smtpSession) Reset() {
	sess.from, sess.rcpt = "", nil
}

func (sess *smtpSession) Logout() error { return nil }
