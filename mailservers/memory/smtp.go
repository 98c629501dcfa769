package memory

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-smtp"

	"incidentd/mailservers/smtpsink"
)

const (
	maxMessageBytes = 64 << 20
	maxRecipients   = 100
)

// smtpOptions make the system's SMTP server: a sink that takes mail from
// anyone to the local users and delivers it into their INBOX. AUTH PLAIN
// and LOGIN are offered but not required.
func (s *System) smtpOptions(addr string) smtpsink.Options {
	return smtpsink.Options{
		Addr:            defaultAddr(addr),
		Domain:          s.domain,
		Login:           s.login,
		Rcpt:            func(to string) error { _, err := s.recipient(to); return err },
		Deliver:         s.deliver,
		Discard:         true, // the mailboxes keep the mail
		MaxMessageBytes: maxMessageBytes,
		MaxRecipients:   maxRecipients,
		Logger:          s.logger,
	}
}

func (s *System) login(username, password string) error {
	name, u := s.user(username)
	if u == nil {
		return fmt.Errorf("no user %q", username)
	}
	return u.Login(name, password)
}

// recipient returns the user an address of the domain designates: the
// local part before a "+" picks the user.
func (s *System) recipient(to string) (*imapmemserver.User, error) {
	local, domain, ok := strings.Cut(to, "@")
	if !ok || !strings.EqualFold(domain, s.domain) {
		return nil, &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1},
			Message: fmt.Sprintf("Relaying denied: only %s is served here", s.domain)}
	}
	name, _, _ := strings.Cut(local, "+")
	_, u := s.user(name)
	if u == nil {
		return nil, &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1},
			Message: fmt.Sprintf("No such user: %s", to)}
	}
	return u, nil
}

// deliver appends m to each recipient's INBOX, behind the trace header a
// delivering MTA prepends.
func (s *System) deliver(_ int, m *smtpsink.Mail) error {
	for _, to := range m.To {
		u, err := s.recipient(to)
		if err != nil {
			return err
		}
		msg := append(s.traceHeader(m, to), m.Data...)
		if _, err := u.Append("INBOX", bytes.NewReader(msg), &imap.AppendOptions{Time: m.Time}); err != nil {
			return fmt.Errorf("deliver to %s: %w", to, err)
		}
		s.logger.Info("demo mail delivered", "from", m.From, "to", to, "bytes", len(msg))
	}
	return nil
}

// traceHeader is what a delivering MTA prepends: the envelope sender, the
// envelope recipient and a Received line.
func (s *System) traceHeader(m *smtpsink.Mail, to string) []byte {
	return fmt.Appendf(nil, "Return-Path: <%s>\r\nDelivered-To: %s\r\n"+
		"Received: from %s (%s)\r\n\tby %s (incidentd demo) with ESMTP\r\n\tfor <%s>; %s\r\n",
		m.From, to, m.Helo, m.RemoteAddr, s.domain, to, m.Time.Format(time.RFC1123Z))
}
