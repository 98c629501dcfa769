package main

import (
	"crypto/tls"
	"fmt"
	"slices"
	"strings"

	"incidentd/mailauth"
)

// Connection is how incidentd logs in to a mail server, beside its
// address, tls mode and user.
type Connection struct {
	// Auth is the SASL mechanism (mailauth.AuthValues); "auto" picks the
	// strongest the server offers.
	Auth string `toml:"auth,omitempty"`
	// TLSCAFile is a PEM bundle trusted besides the system's roots.
	TLSCAFile string `toml:"tls_ca_file,omitempty"`
	// TLSServerName is the name the server's certificate must carry, when
	// it is not the host of the address.
	TLSServerName string `toml:"tls_server_name,omitempty"`
}

// validateConnection checks the keys of one server's Connection; section
// is "imap" or "smtp", base the directory relative paths start from.
func (c Connection) validate(section, base string, bad func(key, format string, args ...any)) {
	if c.Auth != "" && !slices.Contains(mailauth.AuthValues, c.Auth) {
		bad(section+".auth", "%q is not one of %s", c.Auth, strings.Join(mailauth.AuthValues, ", "))
	}
	if c.TLSCAFile != "" {
		if _, err := mailauth.CertPool(resolve(base, c.TLSCAFile)); err != nil {
			bad(section+".tls_ca_file", "%v", err)
		}
	}
	if c.TLSServerName != "" && strings.ContainsAny(c.TLSServerName, ": /") {
		bad(section+".tls_server_name", "%q is not a host name (no port, no scheme)", c.TLSServerName)
	}
}

// tlsConfig is the TLS configuration for the server at address.
func (c Connection) tlsConfig(address, base string) (*tls.Config, error) {
	return mailauth.TLSOptions{CAFile: resolve(base, c.TLSCAFile), ServerName: c.TLSServerName}.Config(address)
}

// oauth2 reports whether the server is logged in to with an access token.
func (c Connection) oauth2() bool {
	return mailauth.Credentials{Mechanism: c.Auth}.OAuth2()
}

// validateMail checks the keys of both servers' connections that depend on
// each other: the mechanism against the tls mode and the address.
func (c *Config) validateMail(bad func(key, format string, args ...any)) {
	c.IMAP.Connection.validate("imap", c.dir, bad)
	c.SMTP.Connection.validate("smtp", c.dir, bad)
	if c.IMAP.Auth == mailauth.AuthNone {
		bad("imap.auth", `"none" does not fit IMAP: a mailbox is always opened by logging in`)
	}
	if c.SMTP.Auth != "" && c.SMTP.Auth != mailauth.AuthNone && c.SMTP.Auth != mailauth.AuthAuto && c.SMTP.Username == "" {
		bad("smtp.username", "is required with auth = %q", c.SMTP.Auth)
	}
	for _, s := range []struct {
		section, address, tls, auth string
	}{{"imap", c.IMAP.Address, c.IMAP.TLS, c.IMAP.Auth}, {"smtp", c.SMTP.Address, c.SMTP.TLS, c.SMTP.Auth}} {
		if s.tls != mailauth.TLSNone || loopback(s.address) {
			continue
		}
		switch s.auth {
		case mailauth.AuthPlain, mailauth.AuthLogin, mailauth.AuthXOAUTH2, mailauth.AuthOAuthBearer:
			bad(s.section+".auth", "%q with tls = \"none\" would send the secret unencrypted to %s: "+
				"use tls = \"starttls\" or \"implicit\"", s.auth, s.address)
		}
	}
}

// tlsConfigs are the TLS configurations of both servers.
func (c *Config) tlsConfigs() (imapTLS, smtpTLS *tls.Config, err error) {
	if imapTLS, err = c.IMAP.tlsConfig(c.IMAP.Address, c.dir); err != nil {
		return nil, nil, fmt.Errorf("imap: %w", err)
	}
	if smtpTLS, err = c.SMTP.tlsConfig(c.SMTP.Address, c.dir); err != nil {
		return nil, nil, fmt.Errorf("smtp: %w", err)
	}
	return imapTLS, smtpTLS, nil
}
