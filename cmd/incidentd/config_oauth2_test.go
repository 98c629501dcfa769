package main

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// oauth2Config is baseConfig with IMAP logging in by XOAUTH2 and extra
// appended, e.g. an [oauth2] section.
func oauth2Config(extra string) string {
	c := strings.Replace(strings.Replace(baseConfig, "%s", "127.0.0.1", 1), "%s", "implicit", 1)
	c = strings.Replace(c, "[smtp]", "auth = \"xoauth2\"\n[smtp]", 1)
	return c + "token_secret_env = \"INCIDENTD_TEST_SECRET\"\n" + extra
}

// TestCheckConfigOAuth2: check-config names every bad [oauth2] key, a
// client secret that cannot be read once, and nothing when no server
// uses OAuth2.
func TestCheckConfigOAuth2(t *testing.T) {
	t.Setenv("INCIDENTD_TEST_PASSWORD", "x")
	t.Setenv("INCIDENTD_TEST_SECRET", "a secret of sixteen bytes or more")
	broken := `
[oauth2]
provider = "microsoft"
grant = "client_credentials"
client_secret_env = "INCIDENTD_TEST_UNSET_VARIABLE"
token_url = "http://login.example.com/token"
`
	code, _, stderr := checkConfig(t, oauth2Config(broken))
	for _, want := range []string{
		"oauth2.client_id: is required",
		"oauth2.tenant: is required with the client_credentials grant",
		"oauth2.client_secret_env: client secret: environment variable INCIDENTD_TEST_UNSET_VARIABLE is not set",
		`oauth2.token_url: "http://login.example.com/token": the client secret and the tokens would cross the network in clear text`,
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("check-config output lacks %q:\n%s", want, stderr)
		}
	}
	if code != 1 || strings.Contains(stderr, "needs a client secret") {
		t.Errorf("exit %d, or the unreadable secret reported twice:\n%s", code, stderr)
	}

	unused := strings.Replace(oauth2Config(broken), "auth = \"xoauth2\"\n", "", 1)
	if code, _, stderr := checkConfig(t, unused); code != 0 || strings.Contains(stderr, "oauth2") {
		t.Errorf("[oauth2] of no server: exit %d\n%s", code, stderr)
	}

	// No token file yet is not a configuration error: oauth login, which
	// makes it, needs a valid configuration.
	fine := "[oauth2]\nprovider = \"microsoft\"\nclient_id = \"id\"\ntoken_file = \"missing.json\"\n"
	if code, _, stderr := checkConfig(t, oauth2Config(fine)); code != 0 {
		t.Errorf("a missing token file: exit %d\n%s", code, stderr)
	}
}

// TestTokenSource: none without OAuth2; the token file is taken from the
// configuration's directory; a missing one is a warning, a corrupt one an
// error naming the key.
func TestTokenSource(t *testing.T) {
	dir := t.TempDir()
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	cfg := defaultConfig()
	if src, err := cfg.tokenSource(dir, log); src != nil || err != nil {
		t.Fatalf("without OAuth2: %v, %v", src, err)
	}

	cfg.SMTP.Auth = "oauthbearer"
	cfg.OAuth2 = OAuth2Config{Provider: "microsoft", ClientID: "id", TokenFile: "token.json"}
	if src, err := cfg.tokenSource(dir, log); src == nil || err != nil || !strings.Contains(logs.String(), "no OAuth2 refresh token yet") ||
		!strings.Contains(logs.String(), filepath.Join(dir, "token.json")) {
		t.Fatalf("missing token file: %v, %v\n%s", src, err, logs.String())
	}

	if err := os.WriteFile(filepath.Join(dir, "token.json"), []byte("{oops"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := cfg.tokenSource(dir, log)
	if err == nil || !strings.Contains(err.Error(), "oauth2.token_file "+filepath.Join(dir, "token.json")) ||
		!strings.Contains(err.Error(), "corrupt") || !strings.Contains(err.Error(), "incidentd oauth login") {
		t.Fatalf("corrupt token file: %v", err)
	}
}
