package main

import (
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"incidentd/mailauth/oauthtest"
)

// TestOAuthLogin runs "incidentd oauth login" against a test server: the
// device flow tells where to enter the code, in English and Spanish, and
// ends signed in (see checkSignedIn).
func TestOAuthLogin(t *testing.T) {
	srv := oauthtest.Start(t, oauthtest.Options{ClientSecret: "client-secret", User: "incidents@example.com"})
	path := loginConfig(t, srv, "")
	var out, errOut strings.Builder
	if code := runMain(t.Context(), []string{"oauth", "login", "-config", path}, nil, &out, &errOut); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out.String(), errOut.String())
	}
	for _, want := range []string{
		"To sign in, open " + srv.URL + "/verify and enter the code ",
		"Para iniciar sesión, abra " + srv.URL + "/verify e introduzca el código ",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if c := srv.Counts(); c.Grants["urn:ietf:params:oauth:grant-type:device_code"] != 1 || c.Errors["authorization_pending"] != 1 ||
		c.Errors["slow_down"] != 0 || c.Authorizations != 0 {
		t.Errorf("device flow: %+v", c)
	}
	checkSignedIn(t, srv, path, out.String(), errOut.String())
}

// TestOAuthLoginBrowser runs "incidentd oauth login -browser" against a
// test server, the test playing the browser: the address to open is
// printed in English and Spanish, the browser is told it can close the
// page, and the command ends signed in (see checkSignedIn). Without
// oauth2.auth_url a custom provider cannot, and the error names the key.
func TestOAuthLoginBrowser(t *testing.T) {
	srv := oauthtest.Start(t, oauthtest.Options{ClientSecret: "client-secret", User: "incidents@example.com"})
	var out, errOut strings.Builder
	noAuthURL := loginConfig(t, srv, "")
	if code := runMain(t.Context(), []string{"oauth", "login", "-browser", "-config", noAuthURL}, nil, &out, &errOut); code != 1 ||
		!strings.Contains(errOut.String(), "oauth2.auth_url: is required to sign in with -browser and provider custom") {
		t.Errorf("without auth_url: exit %d\n%s", code, errOut.String())
	}

	path := loginConfig(t, srv, srv.AuthURL)
	browser := srv.Browser()
	errOut.Reset()
	if code := runMain(t.Context(), []string{"oauth", "login", "-browser", "-config", path}, nil, browser, &errOut); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, browser.Output(), errOut.String())
	}
	for _, want := range []string{
		"To sign in, open this address in a browser on this machine:\n",
		"Para iniciar sesión, abra esta dirección en un navegador de esta máquina:\n\n    " + srv.AuthURL + "?",
		"No browser here? On your own machine, run ssh -L ",
	} {
		if !strings.Contains(browser.Output(), want) {
			t.Errorf("output lacks %q:\n%s", want, browser.Output())
		}
	}
	if status, page, err := browser.Page(); err != nil || status != http.StatusOK || !strings.Contains(page, "You can close this page") {
		t.Errorf("the browser got %d %v:\n%s", status, err, page)
	}
	if c := srv.Counts(); c.Grants["authorization_code"] != 1 || c.DeviceAuthorizations != 0 {
		t.Errorf("browser flow: %+v", c)
	}
	checkSignedIn(t, srv, path, browser.Output(), errOut.String())
}

// loginConfig writes a configuration whose [oauth2] section is srv's
// custom provider with a client secret, with authURL as auth_url unless
// it is "", and smtp logging in with XOAUTH2 as another user than srv's;
// it returns its path. The token file is to go beside it.
func loginConfig(t *testing.T, srv *oauthtest.Server, authURL string) string {
	t.Helper()
	t.Setenv("INCIDENTD_TEST_PASSWORD", "x")
	t.Setenv("INCIDENTD_TEST_SECRET", "a secret of sixteen bytes or more")
	t.Setenv("INCIDENTD_TEST_CLIENT_SECRET", "client-secret")
	config := oauth2Config(fmt.Sprintf(`
[oauth2]
provider = "custom"
token_url = %q
device_auth_url = %q
auth_url = %q
client_id = "incidentd-test"
client_secret_env = "INCIDENTD_TEST_CLIENT_SECRET"
token_file = "token.json"
`, srv.TokenURL, srv.DeviceAuthURL, authURL))
	config = strings.Replace(config, "from = ", "auth = \"xoauth2\"\nusername = \"other@example.com\"\nfrom = ", 1)
	path := filepath.Join(t.TempDir(), "incidentd.toml")
	if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// checkSignedIn checks how a sign-in with the configuration at path
// ended, whatever the flow: the token file is written beside the
// configuration (mode 0600), the account is printed in English and
// Spanish, a username the token is not for is warned of, and the daemon's
// token source then gets access tokens with that file. No token or
// secret reaches the output or the log.
func checkSignedIn(t *testing.T, srv *oauthtest.Server, path, out, errOut string) {
	t.Helper()
	tokenFile := filepath.Join(filepath.Dir(path), "token.json")
	for _, want := range []string{
		"Signed in as incidents@example.com. The refresh token is in " + tokenFile,
		"Sesión iniciada como incidents@example.com.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errOut, `warning: smtp.username is "other@example.com", but the token is for incidents@example.com`) ||
		strings.Contains(errOut, "imap.username") {
		t.Errorf("username warnings:\n%s", errOut)
	}
	if info, err := os.Stat(tokenFile); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v %v", info, err)
	}

	cfg, base, err := load(path)
	if err != nil {
		t.Fatal(err)
	}
	var logs strings.Builder
	src, err := cfg.tokenSource(base, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.Token(t.Context()); err != nil {
		t.Fatalf("token with the new token file: %v", err)
	}
	if srv.Counts().Refreshes != 1 {
		t.Errorf("counts %+v", srv.Counts())
	}
	for _, s := range srv.Secrets() {
		for what, text := range map[string]string{"output": out, "stderr": errOut, "log": logs.String()} {
			if strings.Contains(text, s) {
				t.Errorf("the %s holds the secret %q", what, s)
			}
		}
	}
}

// TestOAuthUsage: a missing subcommand says how to call it.
func TestOAuthUsage(t *testing.T) {
	var out, errOut strings.Builder
	if code := runMain(t.Context(), []string{"oauth"}, nil, &out, &errOut); code != 1 ||
		!strings.Contains(errOut.String(), "usage: incidentd oauth login [-browser] -config FILE") {
		t.Errorf("exit %d, stderr %q", code, errOut.String())
	}
}
