package main

import (
	"fmt"

	"incidentd/mailauth"
	"incidentd/mailin/imap"
	"incidentd/mailout"
)

// connections are how to reach and log in to both mail servers, as the
// configuration says: the daemon adds what it needs beside, a connection
// check uses them as they are. tokens gives the OAuth2 access tokens of
// the servers that use them (nil when none does).
func (c *Config) connections(tokens mailauth.TokenSource) (imap.Options, mailout.SMTPOptions, error) {
	imapTLS, smtpTLS, err := c.tlsConfigs()
	if err != nil {
		return imap.Options{}, mailout.SMTPOptions{}, err
	}
	imapPass, smtpPass := "", ""
	if !c.IMAP.oauth2() {
		if imapPass, err = c.IMAP.password(c.dir); err != nil {
			return imap.Options{}, mailout.SMTPOptions{}, fmt.Errorf("imap password: %w", err)
		}
	}
	if c.SMTP.Username != "" && !c.SMTP.oauth2() && c.SMTP.Auth != mailauth.AuthNone {
		if smtpPass, err = c.SMTP.password(c.dir); err != nil {
			return imap.Options{}, mailout.SMTPOptions{}, fmt.Errorf("smtp password: %w", err)
		}
	}
	in := imap.Options{
		Address: c.IMAP.Address, TLS: c.IMAP.TLS, TLSConfig: imapTLS,
		Username: c.IMAP.Username, Password: imapPass, Auth: c.IMAP.Auth, Tokens: tokens,
		Mailbox: c.IMAP.Mailbox, Processed: c.IMAP.ProcessedMailbox, Quarantine: c.IMAP.QuarantineMailbox,
		PollInterval: c.IMAP.PollInterval.Duration,
	}
	smtp := mailout.SMTPOptions{Address: c.SMTP.Address, TLS: c.SMTP.TLS, TLSConfig: smtpTLS,
		Username: c.SMTP.Username, Password: smtpPass, Auth: c.SMTP.Auth, Tokens: tokens}
	return in, smtp, nil
}
