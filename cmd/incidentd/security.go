package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"os"
	"strings"

	"incidentd/mailin"
	"incidentd/workflow/identity"
	"incidentd/workflow/token"
)

// errNoTokenSecret: neither token_secret_env nor token_secret_file is set.
var errNoTokenSecret = errors.New("set token_secret_env or token_secret_file")

// tokenSecret reads the secret that signs reply tokens from its file or
// environment variable (a relative file is in base, the configuration's
// directory). It is never logged.
func (s SecurityConfig) tokenSecret(base string) ([]byte, error) {
	var v string
	switch {
	case s.TokenSecretFile != "":
		b, err := os.ReadFile(resolve(base, s.TokenSecretFile))
		if err != nil {
			return nil, fmt.Errorf("read token secret file: %w", err)
		}
		v = strings.TrimRight(string(b), "\r\n")
	case s.TokenSecretEnv != "":
		var err error
		if v, err = lookupSecretEnv(s.TokenSecretEnv); err != nil {
			return nil, err
		}
	default:
		return nil, errNoTokenSecret
	}
	if len(v) < token.MinSecret {
		return nil, fmt.Errorf("the token secret must hold at least %d bytes", token.MinSecret)
	}
	return []byte(v), nil
}

// tokenKey is the key of the configured secret. Without one (allowed
// unless command_auth = "token") a random key is made: tokens then last
// until the next start, and replies are matched by their thread after it.
func (c *Config) tokenKey(log *slog.Logger) (token.Key, error) {
	secret, err := c.Security.tokenSecret(c.dir)
	if errors.Is(err, errNoTokenSecret) && c.Security.CommandAuth != mailin.AuthToken {
		log.Warn("no token secret configured: reply tokens last until the next start")
		secret, err = randomSecret(), nil
	}
	if err != nil {
		return token.Key{}, fmt.Errorf("token secret: %w", err)
	}
	return token.New(secret)
}

// identity is the service's own: the address of smtp.from, whose reply
// tokens key signs.
func (c *Config) identity(key token.Key) identity.Identity {
	from, _ := mail.ParseAddress(c.SMTP.From)
	return identity.New(key, from.Address)
}

// randomSecret is a new secret of 256 random bits, as base32 text so that
// it can be written to a file.
func randomSecret() []byte {
	return []byte(rand.Text() + rand.Text())
}

// validateSecurity reports the problems of the [security] policy and
// limits; validateSecrets those of the token secret.
func (c *Config) validateSecurity(bad func(key, format string, args ...any)) {
	s := c.Security
	oneOf(bad, "security.command_auth", s.CommandAuth, "token", "dmarc", "sender")
	if s.CommandAuth == mailin.AuthDMARC && len(s.TrustedAuthservIDs) == 0 {
		bad("security.trusted_authserv_ids", "name the authserv-id of your own mail server for the dmarc policy")
	}
	if s.MaxRepliesPerSenderHour < 0 {
		bad("security.max_replies_per_sender_hour", "must not be negative (0 means no limit)")
	}
	if s.MaxNoticesPerIncidentHour < 0 {
		bad("security.max_notices_per_incident_hour", "must not be negative (0 means no limit)")
	}
}

// limits are the processor's limits of the configuration; zero in the
// file means no limit.
func (c *Config) limits() mailin.Limits {
	noLimit := func(v int) int {
		if v == 0 {
			return -1
		}
		return v
	}
	return mailin.Limits{RepliesPerSenderHour: noLimit(c.Security.MaxRepliesPerSenderHour),
		NoticesPerIncidentHour: noLimit(c.Security.MaxNoticesPerIncidentHour),
		AttachmentBytes:        c.Storage.MaxAttachmentBytes, Attachments: c.Storage.MaxAttachments}
}

// warnings are what check-config and the daemon point out without
// refusing the configuration: plaintext connections to other machines.
func (c *Config) warnings() []string {
	var out []string
	for _, s := range []struct{ key, tls, addr string }{
		{"imap", c.IMAP.TLS, c.IMAP.Address}, {"smtp", c.SMTP.TLS, c.SMTP.Address}} {
		if s.tls == "none" && !loopback(s.addr) {
			out = append(out, fmt.Sprintf("%s.tls = \"none\": the password and the mail cross the network to %s in clear text", s.key, s.addr))
		}
	}
	return out
}

// loopback reports whether host:port names this machine.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
