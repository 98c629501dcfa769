package mailout

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"os"
	"strings"

	"github.com/wneessen/go-mail/smtp"

	"incidentd/mailauth"
)

// dial connects to the SMTP server, says EHLO, starts TLS as o.TLS says
// and logs in, and tells o.Status how the login went. An OAuth2 token the
// server refused is replaced, and the login tried once more, before the
// refusal counts. steps is told of each step.
func (o SMTPOptions) dial(ctx context.Context, steps mailauth.Steps) (*smtp.Client, error) {
	c, err := o.dialOnce(ctx, steps)
	if ae := (*mailauth.AuthError)(nil); errors.As(err, &ae) && ae.Renew() {
		c, err = o.dialOnce(ctx, steps)
	}
	o.Status.Report(err)
	return c, err
}

func (o SMTPOptions) dialOnce(ctx context.Context, steps mailauth.Steps) (*smtp.Client, error) {
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	conn, err := mailauth.Dial(ctx, o.Address, mailauth.ProtocolSMTP, o.TLS, o.TLSConfig, o.Timeout, steps)
	if err != nil {
		return nil, err
	}
	host, _, _ := net.SplitHostPort(o.Address)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return nil, steps.Done("greeting", fmt.Errorf("greeting of %s: %w", o.Address, err), "")
	}
	steps.Done("greeting", nil, "")
	if err := o.open(ctx, c, steps); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// open says EHLO, starts TLS when o.TLS asks for STARTTLS, and logs in.
func (o SMTPOptions) open(ctx context.Context, c *smtp.Client, steps mailauth.Steps) error {
	if err := c.UpdateDeadline(o.Timeout); err != nil {
		return fmt.Errorf("set deadline: %w", err)
	}
	helo := heloName()
	if err := c.Hello(helo); err != nil {
		return steps.Done("EHLO "+helo, fmt.Errorf("EHLO to %s: %w", o.Address, err), "")
	}
	steps.Done("EHLO "+helo, nil, "")
	encrypted := o.TLS == TLSImplicit
	if o.TLS == TLSStartTLS {
		var err error
		if ok, _ := c.Extension("STARTTLS"); !ok {
			err = &mailauth.HintError{Err: fmt.Errorf("%s does not offer STARTTLS", o.Address),
				Hint: `set tls = "implicit" if the port expects TLS from the first byte (usually 465), or tls = "none" for a server on this machine`}
		} else if err = c.StartTLS(o.TLSConfig); err != nil {
			err = mailauth.HandshakeError(o.Address, err)
		}
		state, _ := c.TLSConnectionState()
		if err := steps.Done("STARTTLS", err, mailauth.DescribeTLS(state)); err != nil {
			return err
		}
		encrypted = true
	}
	return o.login(ctx, c, encrypted, steps)
}

// login authenticates when credentials are configured.
func (o SMTPOptions) login(ctx context.Context, c *smtp.Client, encrypted bool, steps mailauth.Steps) error {
	creds := o.credentials()
	if creds.Mechanism == mailauth.AuthNone || creds.Username == "" {
		return nil
	}
	_, offered := c.Extension("AUTH")
	l, err := creds.Begin(ctx, o.Address, strings.Fields(offered), encrypted, steps)
	if err != nil {
		return err
	}
	if err = c.Auth(l); err != nil {
		var reply *textproto.Error
		if errors.As(err, &reply) && reply.Code >= 500 {
			err = l.Refused(err)
		} else {
			err = fmt.Errorf("AUTH %s with %s: %w", l.Mechanism, o.Address, err)
		}
	}
	return steps.Done(fmt.Sprintf("login as %s (%s)", o.Username, l.Mechanism), err, "")
}

func (o SMTPOptions) credentials() mailauth.Credentials {
	return mailauth.Credentials{Mechanism: o.Auth, Username: o.Username, Password: o.Password, Tokens: o.Tokens}
}

// heloName is the name incidentd gives itself in EHLO: the machine's.
func heloName() string {
	if h, err := os.Hostname(); err == nil && h != "" {
		return h
	}
	return "localhost"
}
