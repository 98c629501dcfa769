package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestExampleConfig keeps config.example.toml valid and complete.
func TestExampleConfig(t *testing.T) {
	t.Setenv("INCIDENTD_IMAP_PASSWORD", "x")
	t.Setenv("INCIDENTD_SMTP_PASSWORD", "y")
	t.Setenv("INCIDENTD_TOKEN_SECRET", "a secret of sixteen bytes or more")
	cfg, err := loadConfig("../../config.example.toml")
	if err != nil {
		t.Fatalf("config.example.toml: %v", err)
	}
	if cfg.Schedule.Deadlines["high"].Duration != 24*time.Hour || cfg.IMAP.PollInterval.Duration != time.Minute {
		t.Fatalf("durations not read: %+v %+v", cfg.Schedule.Deadlines, cfg.IMAP.PollInterval)
	}
	if got := cfg.roles(); len(got.Evaluators) != 1 || got.Validators[0] != "reporter" {
		t.Fatalf("roles %+v", got)
	}
}

// TestBadConfigNamesEveryProblem checks that check-config reports every
// bad key at once, by name.
func TestBadConfigNamesEveryProblem(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.toml")
	bad := `
[imap]
address = "imap.example.com"
tls = "ssl"
username = "incidents@example.com"
password_env = "INCIDENTD_TEST_UNSET_VARIABLE"
[smtp]
address = "smtp.example.com:25"
from = "not an address"
[workflow]
domains = []
evaluators = ["alice"]
default_priority = "soon"
language = "fr"
colour = "blue"
[schedule]
deadlines = { urgentish = "1h" }
`
	if err := os.WriteFile(path, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut strings.Builder
	code := runMain(t.Context(), []string{"check-config", "-config", path}, nil, &out, &errOut)
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	for _, want := range []string{
		`imap.address: "imap.example.com" is not host:port`,
		`imap.tls: "ssl" is not one of implicit, starttls, none`,
		`imap.password_env: environment variable INCIDENTD_TEST_UNSET_VARIABLE is not set`,
		`smtp.from: "not an address" is not an address`,
		`workflow.domains: name at least one domain`,
		`workflow.evaluators: "alice" is not an address`,
		`workflow.default_priority: "soon" is not a priority`,
		`workflow.language: "fr" is not one of es, en`,
		`unknown key workflow.colour`,
		`schedule.deadlines: "urgentish" is not a priority`,
	} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("check-config output lacks %q:\n%s", want, errOut.String())
		}
	}
}
