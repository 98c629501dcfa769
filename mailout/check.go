package mailout

import (
	"context"
	"fmt"

	"incidentd/mailauth"
)

// Check connects to the SMTP server as the dispatcher does (TLS, EHLO,
// login) and asks whether it would take mail from `from` to `from`
// (MAIL FROM, RCPT TO, then RSET): nothing is sent. steps is told of each
// step; the error is the first that failed.
func Check(ctx context.Context, o SMTPOptions, from string, steps mailauth.Steps) error {
	if err := o.setDefaults(); err != nil {
		return err
	}
	c, err := o.dial(ctx, steps)
	if err != nil {
		return err
	}
	defer c.Close()
	err = steps.Done(fmt.Sprintf("MAIL FROM:<%s>", from), c.Mail(from), "accepted")
	if err == nil {
		err = steps.Done(fmt.Sprintf("RCPT TO:<%s>", from), c.Rcpt(from), "accepted")
	}
	if rerr := steps.Done("RSET", c.Reset(), "nothing was sent"); err == nil {
		err = rerr
	}
	if qerr := c.Quit(); err == nil {
		err = qerr
	}
	return err
}
