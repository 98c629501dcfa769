package mailauth_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"incidentd/mailauth"
	"incidentd/mailauth/oauthtest"
)

// TestDeviceLogin: the person is told where to sign in, in English and
// Spanish; the token file gets the refresh token and the account, and the
// access token got with it is used without asking again.
func TestDeviceLogin(t *testing.T) {
	srv := oauthtest.Start(t, oauthtest.Options{User: "ops@example.com", ManualApproval: true})
	f := newFixture(t, srv, func(o *mailauth.OAuth2Options) { os.Remove(o.TokenFile) })
	var out strings.Builder
	approve := &approvingWriter{w: &out, approve: srv.Approve}
	account, err := f.src.DeviceLogin(t.Context(), approve)
	if err != nil {
		t.Fatalf("DeviceLogin: %v\n%s", err, out.String())
	}
	if account != "ops@example.com" {
		t.Errorf("account %q", account)
	}
	for _, want := range []string{"To sign in, open " + srv.URL + "/verify", "Para iniciar sesión, abra " + srv.URL + "/verify"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if saved := readSaved(t, f.opts.TokenFile); saved.Account != "ops@example.com" || saved.RefreshToken == "" {
		t.Errorf("token file %+v", saved)
	}
	f.token(t)
	if c := srv.Counts(); c.Grants["urn:ietf:params:oauth:grant-type:device_code"] != 1 || c.Refreshes != 0 {
		t.Errorf("counts %+v", c)
	}
	noSecrets(t, "the output", out.String(), srv)
}

// savedToken is what a sign-in writes to the token file.
type savedToken struct {
	RefreshToken string `json:"refresh_token"`
	Account      string `json:"account"`
}

func readSaved(t *testing.T, path string) savedToken {
	t.Helper()
	var saved savedToken
	b, err := os.ReadFile(path)
	if err != nil || json.Unmarshal(b, &saved) != nil {
		t.Fatalf("token file: %v\n%s", err, b)
	}
	return saved
}

// approvingWriter approves the sign-in once the instructions are written,
// as the person reading them would.
type approvingWriter struct {
	w       *strings.Builder
	approve func()
}

func (a *approvingWriter) Write(p []byte) (int, error) {
	n, err := a.w.Write(p)
	if strings.Contains(a.w.String(), "Para iniciar sesión") {
		a.approve()
	}
	return n, err
}

// TestGoogleRefusesGmailInDeviceFlow: Google answers invalid_scope to a
// device flow for https://mail.google.com/; the error says so plainly,
// and to sign in with -browser instead.
func TestGoogleRefusesGmailInDeviceFlow(t *testing.T) {
	// What Google's device endpoint answers, as users of its device flow
	// with Gmail scopes report it.
	google := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"error": "invalid_scope", "error_description": "Invalid device flow scope: https://mail.google.com/"}`))
	}))
	defer google.Close()
	src, err := mailauth.NewOAuth2(mailauth.OAuth2Options{Provider: mailauth.ProviderGoogle, ClientID: "id",
		TokenURL: google.URL, DeviceAuthURL: google.URL, TokenFile: t.TempDir() + "/token.json"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = src.DeviceLogin(t.Context(), &strings.Builder{})
	if err == nil || !mailauth.Lasting(err) || !strings.Contains(err.Error(), "Invalid device flow scope") ||
		!strings.Contains(mailauth.Hint(err), "Google's device flow does not allow the Gmail scope") ||
		!strings.Contains(mailauth.Hint(err), "incidentd oauth login -browser -config FILE") {
		t.Fatalf("got %v (hint %q)", err, mailauth.Hint(err))
	}
}
