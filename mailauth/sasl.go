package mailauth

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"

	"github.com/emersion/go-sasl"
	"github.com/wneessen/go-mail/smtp"
)

// The values of a server's auth setting.
const (
	AuthAuto        = "auto"
	AuthPlain       = "plain"
	AuthLogin       = "login"
	AuthCRAMMD5     = "cram-md5"
	AuthSCRAMSHA256 = "scram-sha-256"
	AuthXOAUTH2     = "xoauth2"
	AuthOAuthBearer = "oauthbearer"
	AuthNone        = "none"
)

// AuthValues are the values of an auth setting, in the order the
// documentation lists them.
var AuthValues = []string{AuthAuto, AuthPlain, AuthLogin, AuthCRAMMD5, AuthSCRAMSHA256, AuthXOAUTH2, AuthOAuthBearer, AuthNone}

// byStrength is the order in which AuthAuto picks a password mechanism:
// those that never send the password first.
var byStrength = []string{"SCRAM-SHA-256", "CRAM-MD5", "PLAIN", "LOGIN"}

// Credentials are what incidentd logs in to one server with.
type Credentials struct {
	// Mechanism is one of the Auth values; "" means AuthAuto.
	Mechanism string
	Username  string
	Password  string
	// Tokens gives the access tokens of AuthXOAUTH2 and AuthOAuthBearer.
	Tokens TokenSource
}

// OAuth2 reports whether the credentials log in with an access token.
func (c Credentials) OAuth2() bool {
	return c.Mechanism == AuthXOAUTH2 || c.Mechanism == AuthOAuthBearer
}

// Login is one login attempt: the SASL mechanism chosen among those the
// server offers, and its exchange in go-mail's smtp.Auth form, which
// serves SMTP as it is and IMAP through SASL.
type Login struct {
	// Mechanism is the SASL name, e.g. "PLAIN".
	Mechanism string
	smtp.Auth
	info   *smtp.ServerInfo
	creds  Credentials
	server string // host:port
	token  string // the access token sent, for OAuth2
}

// Begin chooses the mechanism for a login to server (host:port) among
// offered (SASL names as the server lists them), and prepares it. With
// encrypted false, a mechanism that sends the secret as it is (PLAIN,
// LOGIN, a bearer token) is used only when server is on this machine
// (loopback). For OAuth2 it gets an access token first. steps is told of
// the choice and of the token.
func (c Credentials) Begin(ctx context.Context, server string, offered []string, encrypted bool, steps Steps) (*Login, error) {
	host, portText, err := net.SplitHostPort(server)
	if err != nil {
		return nil, fmt.Errorf("address %q: %w", server, err)
	}
	mech, err := c.choose(offered, encrypted || loopback(host))
	if err != nil {
		err = &HintError{Err: fmt.Errorf("log in to %s: %w", server, err), Hint: chooseHint(c, offered, encrypted)}
	}
	if err := steps.Done("authentication mechanisms", err, fmt.Sprintf("offered %s; %s chosen", strings.Join(offered, " "), mech)); err != nil {
		return nil, err
	}
	l := &Login{Mechanism: mech, creds: c, server: server,
		info: &smtp.ServerInfo{Name: host, TLS: encrypted, Auth: offered}}
	switch mech {
	case "PLAIN":
		// Encryption was checked above: go-mail's own check would refuse
		// a loopback address that is not literally localhost.
		l.Auth = smtp.PlainAuth("", c.Username, c.Password, host, true)
	case "LOGIN":
		l.Auth = smtp.LoginAuth(c.Username, c.Password, host, true)
	case "CRAM-MD5":
		l.Auth = smtp.CRAMMD5Auth(c.Username, c.Password)
	case "SCRAM-SHA-256":
		l.Auth = smtp.ScramSHA256Auth(c.Username, c.Password)
	case "XOAUTH2", "OAUTHBEARER":
		if c.Tokens == nil {
			return nil, fmt.Errorf("log in to %s with %s: no OAuth2 token source is configured", server, mech)
		}
		l.token, err = c.Tokens.Token(ctx)
		if err != nil {
			err = fmt.Errorf("log in to %s with %s: get an access token: %w", server, mech, err)
		}
		if err := steps.Done("OAuth2 access token", err, ""); err != nil {
			return nil, err
		}
		if mech == "XOAUTH2" {
			l.Auth = smtp.XOAuth2Auth(c.Username, l.token)
		} else {
			port, _ := strconv.Atoi(portText)
			l.Auth = &oauthBearer{user: c.Username, token: l.token, host: host, port: port}
		}
	}
	return l, nil
}

// choose picks the SASL mechanism; clear says whether a secret may be
// sent as it is.
func (c Credentials) choose(offered []string, clear bool) (string, error) {
	has := func(m string) bool {
		return slices.ContainsFunc(offered, func(o string) bool { return strings.EqualFold(o, m) })
	}
	if len(offered) == 0 {
		return "", errors.New("the server offers no authentication on this connection")
	}
	if c.Mechanism == "" || c.Mechanism == AuthAuto {
		for _, m := range byStrength {
			if has(m) && (clear || !sendsSecret(m)) {
				return m, nil
			}
		}
		if has("PLAIN") || has("LOGIN") {
			return "", fmt.Errorf("the server offers only %s, which would send the password unencrypted", strings.Join(offered, " "))
		}
		return "", fmt.Errorf("the server offers no password mechanism incidentd knows (it offers %s)", strings.Join(offered, " "))
	}
	m := strings.ToUpper(c.Mechanism)
	if !has(m) {
		return "", fmt.Errorf("auth = %q, but the server does not offer %s; it offers %s", c.Mechanism, m, strings.Join(offered, " "))
	}
	if !clear && sendsSecret(m) {
		return "", fmt.Errorf("auth = %q would send the secret unencrypted", c.Mechanism)
	}
	return m, nil
}

// chooseHint advises on a mechanism that could not be chosen.
func chooseHint(c Credentials, offered []string, encrypted bool) string {
	switch {
	case !encrypted:
		return `use tls = "starttls" or "implicit": many servers offer authentication only over TLS, ` +
			`and a password or token is sent unencrypted only to a server on this machine`
	case len(offered) > 0 && c.Mechanism != "" && c.Mechanism != AuthAuto:
		return fmt.Sprintf(`set auth to one the server offers, or auth = "auto" (offered: %s)`, strings.Join(offered, " "))
	}
	return "ask the server's operator which authentication it offers"
}

// sendsSecret reports whether mechanism m sends the password or the
// token as it is.
func sendsSecret(m string) bool {
	return m == "PLAIN" || m == "LOGIN" || m == "XOAUTH2" || m == "OAUTHBEARER"
}

func loopback(host string) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || ip != nil && ip.IsLoopback()
}

// Refused is the error for a server's refusal of this login.
func (l *Login) Refused(cause error) *AuthError {
	e := &AuthError{Server: l.server, Username: l.creds.Username, Mechanism: l.Mechanism, Err: cause}
	if l.token != "" {
		e.Hint = fmt.Sprintf("the server refused the OAuth2 access token for %s: check that this account may use IMAP and SMTP "+
			"and that the application is granted the mail scopes; if the grant was revoked, run incidentd oauth login again", l.creds.Username)
		tokens, token := l.creds.Tokens, l.token
		e.renew = func() { tokens.Refused(token) }
	} else {
		e.Hint = fmt.Sprintf("the server refused the user name %q or its password: check username and the secret "+
			"named by password_env or password_file", l.creds.Username)
	}
	return e
}

// AuthError is a server's refusal of the credentials, as opposed to a
// failure of the network: trying again with the same credentials will
// fail again, fixing them is what helps.
type AuthError struct {
	Server    string
	Username  string
	Mechanism string
	Err       error // the server's answer
	Hint      string
	renew     func()
}

func (e *AuthError) Error() string {
	return fmt.Sprintf("authentication failed: %s refused %s as %s: %v", e.Server, e.Mechanism, e.Username, e.Err)
}

func (e *AuthError) Unwrap() error { return e.Err }

// Renew tells the token source that the access token was refused, and
// reports whether a new login may succeed where this one failed: with
// OAuth2 a new token may, with a password nothing changes.
func (e *AuthError) Renew() bool {
	if e.renew == nil {
		return false
	}
	e.renew()
	e.renew = nil
	return true
}

// SASL is the exchange as a go-sasl client, for IMAP's AUTHENTICATE.
func (l *Login) SASL() sasl.Client { return saslClient{l} }

type saslClient struct{ l *Login }

func (s saslClient) Start() (string, []byte, error) {
	mech, ir, err := s.l.Auth.Start(s.l.info)
	// go-mail's SCRAM answers SMTP's empty first challenge with its first
	// message; go-imap wants that message up front, and takes an empty
	// challenge as the request for it.
	if err == nil && ir == nil && strings.HasPrefix(mech, "SCRAM-") {
		ir, err = s.l.Auth.Next(nil, true)
	}
	return mech, ir, err
}

func (s saslClient) Next(challenge []byte) ([]byte, error) { return s.l.Auth.Next(challenge, true) }

// oauthBearer is the OAUTHBEARER mechanism (RFC 7628). go-sasl's client
// returns an error on the server's error challenge instead of answering
// it, which leaves the IMAP command hanging.
type oauthBearer struct {
	user, token, host string
	port              int
}

func (a *oauthBearer) Start(*smtp.ServerInfo) (string, []byte, error) {
	user := strings.NewReplacer("=", "=3D", ",", "=2C").Replace(a.user)
	return "OAUTHBEARER", fmt.Appendf(nil, "n,a=%s,\x01host=%s\x01port=%d\x01auth=Bearer %s\x01\x01",
		user, a.host, a.port, a.token), nil
}

// Next answers the error challenge with the ^A that RFC 7628 asks for,
// after which the server ends the exchange with its refusal.
func (a *oauthBearer) Next(_ []byte, more bool) ([]byte, error) {
	if more {
		return []byte{0x01}, nil
	}
	return nil, nil
}
