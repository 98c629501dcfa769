package dovecot

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/template"
)

// dovecotConfig is what the configuration template is filled with.
type dovecotConfig struct {
	Dir       string
	Port      string
	TLSPort   string // "" without TLS
	MailUser  string
	MailGroup string
	// ServiceUser runs Dovecot's own processes when not root; "" keeps
	// Dovecot's users.
	ServiceUser string
	CertFile    string
	KeyFile     string
	// Mechanisms is auth_mechanisms; PasswordMechanisms, when set, the
	// mechanisms that check passwords (the others check OAuth2 tokens).
	Mechanisms         string
	PasswordMechanisms string
	OAuth2Args         string // file of the oauth2 passdb; "" without OAuth2
	Postfix            bool
}

// writeDovecotConfig writes the configuration of s into s.conf, and the
// oauth2 passdb's file beside it.
func (s *Server) writeDovecotConfig(acct account, port, tlsPort string) error {
	mechs := append([]string{"plain", "login"}, s.opts.Mechanisms...)
	c := dovecotConfig{
		Dir: s.Dir, Port: port, TLSPort: tlsPort,
		MailUser: acct.user, MailGroup: acct.group, ServiceUser: acct.serviceUser,
		Mechanisms: strings.Join(mechs, " "),
		Postfix:    s.opts.Postfix,
	}
	if s.opts.TLS {
		c.CertFile, c.KeyFile = s.certs.certFile, s.certs.keyFile
	}
	if s.opts.OAuth2IntrospectionURL != "" {
		// LMTP delivery looks users up without a mechanism: "none".
		c.PasswordMechanisms = c.Mechanisms + " none"
		c.Mechanisms += " xoauth2 oauthbearer"
		c.OAuth2Args = filepath.Join(s.Dir, "oauth2.conf.ext")
		args := "introspection_mode = post\n" +
			"introspection_url = " + s.opts.OAuth2IntrospectionURL + "\n" +
			"username_attribute = email\n" +
			"active_attribute = active\n" +
			"active_value = true\n" +
			"force_introspection = yes\n"
		if err := os.WriteFile(c.OAuth2Args, []byte(args), 0o644); err != nil {
			return fmt.Errorf("write oauth2 passdb: %w", err)
		}
	}
	var b strings.Builder
	if err := dovecotTemplate.Execute(&b, c); err != nil {
		return fmt.Errorf("dovecot configuration: %w", err)
	}
	if err := os.WriteFile(s.conf, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("write dovecot configuration: %w", err)
	}
	return nil
}

var dovecotTemplate = template.Must(template.New("dovecot.conf").Parse(`# A private Dovecot for incidentd's integration tests.
base_dir = {{.Dir}}/run
state_dir = {{.Dir}}/state
log_path = {{.Dir}}/dovecot.log
info_log_path = {{.Dir}}/dovecot.log
protocols = imap{{if .Postfix}} lmtp{{end}}
listen = 127.0.0.1
{{- if .CertFile}}
ssl = yes
ssl_cert = <{{.CertFile}}
ssl_key = <{{.KeyFile}}
{{- else}}
ssl = no
{{- end}}
# The product may be configured to log in with PLAIN without TLS.
disable_plaintext_auth = no
auth_mechanisms = {{.Mechanisms}}
mail_location = maildir:~/Maildir
mail_uid = {{.MailUser}}
mail_gid = {{.MailGroup}}
first_valid_uid = 1
first_valid_gid = 1
{{- with .ServiceUser}}
default_internal_user = {{.}}
default_login_user = {{.}}
{{- end}}
recipient_delimiter = +
passdb {
  driver = passwd-file
{{- with .PasswordMechanisms}}
  mechanisms = {{.}}
{{- end}}
  args = scheme=PLAIN username_format=%u {{.Dir}}/users
}
{{- with .OAuth2Args}}
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {{.}}
}
{{- end}}
userdb {
  driver = static
  args = uid={{.MailUser}} gid={{.MailGroup}} home={{.Dir}}/home/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = {{.Port}}
  }
  inet_listener imaps {
{{- if .TLSPort}}
    address = 127.0.0.1
    port = {{.TLSPort}}
    ssl = yes
{{- else}}
    port = 0
{{- end}}
  }
}
{{- if .Postfix}}
# Postfix runs as its own user: it must reach both sockets.
service auth {
  unix_listener {{.Dir}}/auth-postfix {
    mode = 0666
  }
}
service lmtp {
  unix_listener {{.Dir}}/lmtp {
    mode = 0666
  }
}
{{- end}}
# Tests refuse logins on purpose: answer at once, not after 2 s.
auth_failure_delay = 0
# One failed login would otherwise delay every later one from 127.0.0.1.
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
`))
