package mailauth

import (
	"context"
	"strings"
	"testing"
)

func TestChooseMechanism(t *testing.T) {
	for _, tc := range []struct {
		name      string
		mech      string
		offered   string
		server    string
		encrypted bool
		want      string // the SASL name, or the error's words after "error: "
	}{
		{"auto takes the strongest", "", "PLAIN LOGIN CRAM-MD5 SCRAM-SHA-256", "mail.example.com:587", true, "SCRAM-SHA-256"},
		{"auto over TLS", "auto", "LOGIN PLAIN", "mail.example.com:587", true, "PLAIN"},
		{"auto: plain on loopback without TLS", "auto", "PLAIN LOGIN", "127.0.0.1:25", false, "PLAIN"},
		{"auto: localhost is loopback", "", "LOGIN", "localhost:25", false, "LOGIN"},
		{"auto: IPv6 loopback", "", "PLAIN", "[::1]:25", false, "PLAIN"},
		{"auto never sends a password in clear across the network", "auto", "PLAIN LOGIN", "mail.example.com:25", false,
			"error: offers only PLAIN LOGIN, which would send the password unencrypted"},
		{"auto without TLS takes a mechanism that hides the password", "", "PLAIN CRAM-MD5", "mail.example.com:25", false, "CRAM-MD5"},
		{"auto knows no OAuth2", "", "XOAUTH2 OAUTHBEARER", "mail.example.com:587", true, "error: no password mechanism incidentd knows"},
		{"explicit choice", "login", "PLAIN LOGIN", "mail.example.com:587", true, "LOGIN"},
		{"lower-case offers", "cram-md5", "plain cram-md5", "mail.example.com:587", true, "CRAM-MD5"},
		{"explicit choice not offered", "cram-md5", "PLAIN LOGIN", "mail.example.com:587", true,
			`error: auth = "cram-md5", but the server does not offer CRAM-MD5; it offers PLAIN LOGIN`},
		{"explicit plain across the network without TLS", "plain", "PLAIN", "mail.example.com:25", false,
			`error: auth = "plain" would send the secret unencrypted`},
		{"a bearer token is a secret too", "xoauth2", "XOAUTH2", "mail.example.com:25", false, "error: would send the secret unencrypted"},
		{"no AUTH at all", "", "", "mail.example.com:25", false, "error: the server offers no authentication on this connection"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Credentials{Mechanism: tc.mech, Username: "incidents@example.com", Password: "s3cret"}
			if strings.HasPrefix(tc.mech, "x") {
				c.Tokens = fixedToken("tok")
			}
			l, err := c.Begin(context.Background(), tc.server, strings.Fields(tc.offered), tc.encrypted, nil)
			want, wantErr := strings.CutPrefix(tc.want, "error: ")
			switch {
			case wantErr && (err == nil || !strings.Contains(err.Error(), want)):
				t.Fatalf("got %v, want an error with %q", err, want)
			case wantErr && Hint(err) == "":
				t.Errorf("error %v carries no advice", err)
			case !wantErr && err != nil:
				t.Fatalf("got %v, want %s", err, want)
			case !wantErr && l.Mechanism != want:
				t.Fatalf("chose %s, want %s", l.Mechanism, want)
			}
		})
	}
}

// The initial responses of the OAuth2 mechanisms, as the providers
// document them; OAUTHBEARER answers an error challenge with ^A.
func TestOAuth2Responses(t *testing.T) {
	c := Credentials{Mechanism: AuthXOAUTH2, Username: "incidents@example.com", Tokens: fixedToken("ya29.tok")}
	l, err := c.Begin(context.Background(), "imap.example.com:993", []string{"XOAUTH2"}, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	mech, ir, err := l.SASL().Start()
	if want := "user=incidents@example.com\x01auth=Bearer ya29.tok\x01\x01"; err != nil || mech != "XOAUTH2" || string(ir) != want {
		t.Errorf("XOAUTH2 start: %s %q %v, want %q", mech, ir, err, want)
	}
	if resp, err := l.SASL().Next([]byte(`{"status":"401"}`)); err != nil || len(resp) != 0 {
		t.Errorf("XOAUTH2 answer to the error challenge: %q %v, want an empty line", resp, err)
	}

	c.Mechanism, c.Username = AuthOAuthBearer, "in,ci=dents@example.com"
	l, err = c.Begin(context.Background(), "imap.example.com:993", []string{"OAUTHBEARER"}, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	mech, ir, err = l.SASL().Start()
	if want := "n,a=in=2Cci=3Ddents@example.com,\x01host=imap.example.com\x01port=993\x01auth=Bearer ya29.tok\x01\x01"; err != nil || mech != "OAUTHBEARER" || string(ir) != want {
		t.Errorf("OAUTHBEARER start: %s %q %v, want %q", mech, ir, err, want)
	}
	if resp, err := l.SASL().Next([]byte(`{"status":"invalid_token"}`)); err != nil || string(resp) != "\x01" {
		t.Errorf("OAUTHBEARER answer to the error challenge: %q %v, want ^A", resp, err)
	}
}

// A refused token is renewed once; a refused password is not.
func TestRenewAfterRefusal(t *testing.T) {
	tokens := &countingTokens{}
	c := Credentials{Mechanism: AuthXOAUTH2, Username: "incidents@example.com", Tokens: tokens}
	l, err := c.Begin(context.Background(), "imap.example.com:993", []string{"XOAUTH2"}, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	e := l.Refused(context.DeadlineExceeded)
	if !e.Renew() || tokens.refused != "tok1" {
		t.Errorf("Renew after a refused token: refused %q, want tok1", tokens.refused)
	}
	if e.Renew() {
		t.Error("a second Renew of the same refusal reports true")
	}
	if strings.Contains(e.Error(), "tok1") || strings.Contains(e.Hint, "tok1") {
		t.Errorf("the token is in the error: %v (%s)", e, e.Hint)
	}
	p := Credentials{Username: "u", Password: "pw"}
	l, err = p.Begin(context.Background(), "imap.example.com:993", []string{"PLAIN"}, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	if l.Refused(context.DeadlineExceeded).Renew() {
		t.Error("Renew after a refused password reports true")
	}
}

type fixedToken string

func (f fixedToken) Token(context.Context) (string, error) { return string(f), nil }
func (fixedToken) Refused(string)                          {}

type countingTokens struct {
	n       int
	refused string
}

func (c *countingTokens) Token(context.Context) (string, error) {
	c.n++
	return "tok" + string(rune('0'+c.n)), nil
}
func (c *countingTokens) Refused(tok string) { c.refused = tok }
