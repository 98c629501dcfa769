package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// checkConfig runs check-config on text and returns its exit code,
// standard output and standard error.
func checkConfig(t *testing.T, text string) (int, string, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "c.toml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut strings.Builder
	code := runMain(t.Context(), []string{"check-config", "-config", path}, nil, &out, &errOut)
	return code, out.String(), errOut.String()
}

const baseConfig = `
[imap]
address = "%s:993"
tls = "%s"
username = "incidents@example.com"
password_env = "INCIDENTD_TEST_PASSWORD"
[smtp]
address = "127.0.0.1:25"
tls = "none"
from = "incidents@example.com"
[workflow]
domains = ["example.com"]
[security]
`

// TestCheckConfigSecurity: plaintext to another machine is warned about,
// to loopback it is not; the token policy needs a secret and the dmarc
// policy a trusted authserv-id.
func TestCheckConfigSecurity(t *testing.T) {
	t.Setenv("INCIDENTD_TEST_PASSWORD", "x")
	t.Setenv("INCIDENTD_TEST_SECRET", "a secret of sixteen bytes or more")
	withSecret := "token_secret_env = \"INCIDENTD_TEST_SECRET\"\n"
	code, _, stderr := checkConfig(t, strings.Replace(strings.Replace(baseConfig, "%s", "imap.example.com", 1), "%s", "none", 1)+withSecret)
	if code != 0 || !strings.Contains(stderr, `warning: imap.tls = "none": the password and the mail cross the network to imap.example.com:993 in clear text`) ||
		strings.Contains(stderr, "smtp.tls") {
		t.Errorf("plaintext to a remote host: exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = checkConfig(t, strings.Replace(strings.Replace(baseConfig, "%s", "localhost", 1), "%s", "none", 1)+withSecret)
	if code != 0 || stderr != "" {
		t.Errorf("plaintext to loopback: exit %d, stderr %q", code, stderr)
	}
	tlsConfig := strings.Replace(strings.Replace(baseConfig, "%s", "imap.example.com", 1), "%s", "implicit", 1)
	code, _, stderr = checkConfig(t, tlsConfig)
	if code != 1 || !strings.Contains(stderr, "security.token_secret_env: set token_secret_env or token_secret_file") {
		t.Errorf("token policy without a secret: exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = checkConfig(t, tlsConfig+"command_auth = \"dmarc\"\n")
	if code != 1 || !strings.Contains(stderr, "security.trusted_authserv_ids: name the authserv-id") || strings.Contains(stderr, "token_secret") {
		t.Errorf("dmarc policy without authserv-ids: exit %d, stderr %q", code, stderr)
	}
}
