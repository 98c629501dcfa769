package main

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"incidentd/mailauth/oauthtest"
)

// TestOAuthLogin runs "incidentd oauth login" against a test server: the
// device flow writes the token file beside the configuration, prints the
// account in English and Spanish, warns of a username the token is not
// for, and the daemon's token source then gets access tokens with that
// file. No token or secret reaches the output or the log.
func TestOAuthLogin(t *testing.T) {
	srv := oauthtest.Start(t, oauthtest.Options{ClientSecret: "client-secret", User: "incidents@example.com"})
	t.Setenv("INCIDENTD_TEST_PASSWORD", "x")
	t.Setenv("INCIDENTD_TEST_SECRET", "a secret of sixteen bytes or more")
	t.Setenv("INCIDENTD_TEST_CLIENT_SECRET", "client-secret")
	config := oauth2Config(fmt.Sprintf(`
[oauth2]
provider = "custom"
token_url = %q
device_auth_url = %q
client_id = "incidentd-test"
client_secret_env = "INCIDENTD_TEST_CLIENT_SECRET"
token_file = "token.json"
`, srv.TokenURL, srv.DeviceAuthURL))
	config = strings.Replace(config, "from = ", "auth = \"xoauth2\"\nusername = \"other@example.com\"\nfrom = ", 1)
	dir := t.TempDir()
	path := filepath.Join(dir, "incidentd.toml")
	if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}

	var out, errOut strings.Builder
	if code := runMain(t.Context(), []string{"oauth", "login", "-config", path}, nil, &out, &errOut); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out.String(), errOut.String())
	}
	tokenFile := filepath.Join(dir, "token.json")
	for _, want := range []string{
		"To sign in, open " + srv.URL + "/verify and enter the code ",
		"Para iniciar sesión, abra " + srv.URL + "/verify e introduzca el código ",
		"Signed in as incidents@example.com. The refresh token is in " + tokenFile,
		"Sesión iniciada como incidents@example.com.",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if !strings.Contains(errOut.String(), `warning: smtp.username is "other@example.com", but the token is for incidents@example.com`) ||
		strings.Contains(errOut.String(), "imap.username") {
		t.Errorf("username warnings:\n%s", errOut.String())
	}
	if info, err := os.Stat(tokenFile); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v %v", info, err)
	}
	if c := srv.Counts(); c.Grants["urn:ietf:params:oauth:grant-type:device_code"] != 1 || c.Errors["authorization_pending"] != 1 ||
		c.Errors["slow_down"] != 0 {
		t.Errorf("device flow: %+v", c)
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
		for what, text := range map[string]string{"output": out.String(), "stderr": errOut.String(), "log": logs.String()} {
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
		!strings.Contains(errOut.String(), "usage: incidentd oauth login -config FILE") {
		t.Errorf("exit %d, stderr %q", code, errOut.String())
	}
}
