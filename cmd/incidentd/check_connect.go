package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"strings"

	"incidentd/mailauth"
	"incidentd/mailin/imap"
	"incidentd/mailout"
)

// checkConnections connects to both mail servers as the daemon does and
// prints each step, what worked and what did not, in the server's own
// words and with advice. It sends and reads no mail. The error says how
// many steps failed.
func checkConnections(ctx context.Context, cfg Config, tokens mailauth.TokenSource, w io.Writer) error {
	imapOpts, smtpOpts, err := cfg.connections(tokens)
	if err != nil {
		return err
	}
	failed := 0
	steps := func(s mailauth.Step) {
		if s.Err == nil {
			if s.Detail != "" {
				fmt.Fprintf(w, "  ok    %s: %s\n", s.What, s.Detail)
			} else {
				fmt.Fprintf(w, "  ok    %s\n", s.What)
			}
			return
		}
		failed++
		hint := mailauth.Hint(s.Err)
		fmt.Fprintf(w, "  FAIL  %s: %s\n", s.What, strings.TrimSuffix(s.Err.Error(), " ("+hint+")"))
		if hint != "" {
			fmt.Fprintf(w, "        hint: %s\n", hint)
		}
	}
	fmt.Fprintf(w, "IMAP %s (tls = %q, user %s)\n", cfg.IMAP.Address, cfg.IMAP.TLS, cfg.IMAP.Username)
	imapErr := imap.Check(ctx, imapOpts, steps)
	from, _ := mail.ParseAddress(cfg.SMTP.From)
	fmt.Fprintf(w, "SMTP %s (tls = %q, user %s)\n", cfg.SMTP.Address, cfg.SMTP.TLS, orNone(cfg.SMTP.Username))
	smtpErr := mailout.Check(ctx, smtpOpts, from.Address, steps)
	if imapErr == nil && smtpErr == nil {
		fmt.Fprintln(w, "both servers work with this configuration")
		return nil
	}
	if failed == 0 { // failed before its first step
		return errors.Join(imapErr, smtpErr)
	}
	return fmt.Errorf("%d step(s) failed: see above", failed)
}

func orNone(s string) string {
	if s == "" {
		return "none: no login"
	}
	return s
}
