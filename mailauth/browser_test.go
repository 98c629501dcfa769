package mailauth_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"incidentd/mailauth"
	"incidentd/mailauth/oauthtest"
)

// TestBrowserLogin: with provider google the address asks for offline
// access, consent and PKCE with a loopback redirect; the browser is sent
// back, told in English and Spanish that it can close the page, the token
// file gets the refresh token and the account, the access token that
// came with it is used without asking again, and the listener is closed.
func TestBrowserLogin(t *testing.T) {
	srv := oauthtest.Start(t, oauthtest.Options{User: "ops@example.com"})
	f := newFixture(t, srv, func(o *mailauth.OAuth2Options) {
		o.Provider, o.AuthURL = mailauth.ProviderGoogle, srv.AuthURL
		os.Remove(o.TokenFile)
	})
	browser := srv.Browser()
	account, err := f.src.BrowserLogin(t.Context(), browser)
	out := browser.Output()
	if err != nil {
		t.Fatalf("BrowserLogin: %v\n%s", err, out)
	}
	if account != "ops@example.com" {
		t.Errorf("account %q", account)
	}
	address := printedAddress(t, out)
	q := address.Query()
	back, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || back.Scheme != "http" || back.Hostname() != "127.0.0.1" || back.Port() == "" || back.Path != "/" {
		t.Errorf("redirect_uri %q", q.Get("redirect_uri"))
	}
	for key, want := range map[string]string{"response_type": "code", "client_id": "incidentd-test", "access_type": "offline",
		"prompt": "consent", "code_challenge_method": "S256", "scope": "https://mail.google.com/ openid email"} {
		if q.Get(key) != want {
			t.Errorf("%s=%q, want %q", key, q.Get(key), want)
		}
	}
	if len(q.Get("state")) < 16 || len(q.Get("code_challenge")) != 43 {
		t.Errorf("state %q, code_challenge %q", q.Get("state"), q.Get("code_challenge"))
	}
	port := back.Port()
	for _, want := range []string{"To sign in, open this address in a browser",
		"Para iniciar sesión, abra esta dirección en un navegador",
		"ssh -L " + port + ":127.0.0.1:" + port + " HOST"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	status, page, err := browser.Page()
	if err != nil || status != http.StatusOK || !strings.Contains(page, "You can close this page") ||
		!strings.Contains(page, "Puede cerrar esta página") {
		t.Errorf("the browser got %d %v:\n%s", status, err, page)
	}

	info, err := os.Stat(f.opts.TokenFile)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v %v", info, err)
	}
	if saved := readSaved(t, f.opts.TokenFile); saved.Account != "ops@example.com" || saved.RefreshToken == "" {
		t.Errorf("token file %+v", saved)
	}
	f.token(t)
	if c := srv.Counts(); c.Grants["authorization_code"] != 1 || c.Authorizations != 1 || c.Refreshes != 0 {
		t.Errorf("counts %+v", c)
	}
	if resp, err := http.Get(back.String()); err == nil {
		resp.Body.Close()
		t.Error("the loopback listener still answers after the sign-in")
	}
	noSecrets(t, "the output", out, srv)
}

// printedAddress is the authorization address the output shows on a line
// of its own.
func printedAddress(t *testing.T, out string) *url.URL {
	t.Helper()
	m := regexp.MustCompile(`(?m)^    (http\S+)$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no address in the output:\n%s", out)
	}
	u, err := url.Parse(m[1])
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestBrowserLoginRefused: an answer with another state (an older
// sign-in, or another site) and a provider's error end the sign-in with a
// clear error, tell the browser in both languages, and write no file.
func TestBrowserLoginRefused(t *testing.T) {
	for _, tc := range []struct {
		name       string
		edit       func(*url.URL)
		wantErr    string
		wantHint   string
		wantStatus int
		wantPage   []string
	}{{
		name: "wrong state",
		edit: func(u *url.URL) {
			q := u.Query()
			q.Set("state", "forged")
			u.RawQuery = q.Encode()
		},
		wantErr: "not for this sign-in (its state differs)", wantHint: "another site",
		wantStatus: http.StatusBadRequest, wantPage: []string{"Refused", "Rechazada"},
	}, {
		name: "access denied",
		// The provider sends the browser back with an error, as when
		// the person declines.
		edit: func(u *url.URL) {
			q := u.Query()
			back, _ := url.Parse(q.Get("redirect_uri"))
			back.RawQuery = url.Values{"error": {"access_denied"}, "error_description": {"The user declined"},
				"state": {q.Get("state")}}.Encode()
			*u = *back
		},
		wantErr: `the provider answered "access_denied": "The user declined"`, wantHint: "the sign-in was declined",
		wantStatus: http.StatusForbidden, wantPage: []string{"did not succeed", "no se completó"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			srv := oauthtest.Start(t, oauthtest.Options{})
			f := newFixture(t, srv, func(o *mailauth.OAuth2Options) {
				o.AuthURL = srv.AuthURL
				os.Remove(o.TokenFile)
			})
			browser := srv.Browser()
			browser.Edit = tc.edit
			_, err := f.src.BrowserLogin(t.Context(), browser)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !mailauth.Lasting(err) ||
				!strings.Contains(mailauth.Hint(err), tc.wantHint) {
				t.Fatalf("got %v (hint %q)", err, mailauth.Hint(err))
			}
			status, page, err := browser.Page()
			if err != nil || status != tc.wantStatus {
				t.Errorf("the browser got %d %v:\n%s", status, err, page)
			}
			for _, want := range tc.wantPage {
				if !strings.Contains(page, want) {
					t.Errorf("page lacks %q:\n%s", want, page)
				}
			}
			if _, err := os.Stat(f.opts.TokenFile); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("token file: %v", err)
			}
			if c := srv.Counts(); c.Grants["authorization_code"] != 0 {
				t.Errorf("counts %+v", c)
			}
		})
	}
}

// TestBrowserLoginCanceled: a cancelled context ends the wait for the
// browser.
func TestBrowserLoginCanceled(t *testing.T) {
	srv := oauthtest.Start(t, oauthtest.Options{})
	f := newFixture(t, srv, func(o *mailauth.OAuth2Options) { o.AuthURL = srv.AuthURL })
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	_, err := f.src.BrowserLogin(ctx, cancelOnWrite(cancel))
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "wait for the sign-in in the browser") {
		t.Fatalf("got %v", err)
	}
}

// cancelOnWrite cancels once the instructions are written, as a person
// who gives up with Ctrl-C would.
type cancelOnWrite func()

func (c cancelOnWrite) Write(p []byte) (int, error) {
	c()
	return len(p), nil
}

// TestBrowserLoginNeedsAuthURL: a custom provider has no authorization
// endpoint to default to; the error names the key.
func TestBrowserLoginNeedsAuthURL(t *testing.T) {
	srv := oauthtest.Start(t, oauthtest.Options{})
	f := newFixture(t, srv, nil)
	var out strings.Builder
	_, err := f.src.BrowserLogin(t.Context(), &out)
	var ke mailauth.KeyError
	if !errors.As(err, &ke) || ke.Key != "oauth2.auth_url" || out.Len() != 0 {
		t.Fatalf("got %v, output %q", err, out.String())
	}
}
