package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"incidentd/workflow"
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

// TestExampleForm keeps the commented-out form of config.example.toml
// valid: uncommented, it configures an environment choice, a required
// version and the system as a choice.
func TestExampleForm(t *testing.T) {
	t.Setenv("INCIDENTD_IMAP_PASSWORD", "x")
	t.Setenv("INCIDENTD_SMTP_PASSWORD", "y")
	t.Setenv("INCIDENTD_TOKEN_SECRET", "a secret of sixteen bytes or more")
	src, err := os.ReadFile("../../config.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(src), "# -- example form (uncomment to use) --\n")
	block, _, ok2 := strings.Cut(block, "# -- end of example form --")
	if !ok || !ok2 {
		t.Fatal("config.example.toml has no example form between its markers")
	}
	var form strings.Builder
	for _, line := range strings.Split(block, "\n") {
		form.WriteString(strings.TrimPrefix(strings.TrimPrefix(line, "#"), " ") + "\n")
	}
	path := filepath.Join(t.TempDir(), "form.toml")
	if err := os.WriteFile(path, append(src, form.String()...), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := loadConfig(path)
	if err != nil {
		t.Fatalf("the example form: %v", err)
	}
	f := cfg.form()
	env, ok := f.Field("environment")
	if !ok || !env.Required || len(env.Choices) != 2 || !f.Has("version") {
		t.Fatalf("form %+v", f.Own())
	}
	if sys, _ := f.Field("system"); sys.Kind != workflow.FieldChoice {
		t.Errorf("system %+v", sys)
	}
}

// TestBadFormNamesEveryProblem: check-config names each problem of the
// [[fields]] entries with its key.
func TestBadFormNamesEveryProblem(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.toml")
	bad := `
[workflow]
domains = ["example.com"]
[[fields]]
name = "environment"
labels = ["Entorno", "Environment"]
kind = "choice"
default = "staging"
choices = [ { value = "production", labels = ["Producción", "Production"] } ]
[[fields]]
name = "environment"
labels = ["Ambiente", "Prioridad"]
[[fields]]
name = "customer"
labels = ["Cliente", "Customer"]
kind = "choice"
[[fields]]
name = "Ticket ref"
labels = ["Aceptado"]
[[fields]]
name = "priority"
choices = [ { value = "urgent", labels = ["Urgente", "Urgent"] } ]
[[fields]]
name = "title"
labels = ["Asunto"]
`
	if err := os.WriteFile(path, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut strings.Builder
	if code := runMain(t.Context(), []string{"check-config", "-config", path}, nil, &out, &errOut); code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	for _, want := range []string{
		`fields[1].default: "staging" is not one of the choices' values`,
		`fields[2].name: "environment" is the name of fields[1] too`,
		`label "Prioridad" is also a label of field priority`,
		`fields[3].choices: a choice field needs its choices`,
		`fields[4].name: "Ticket ref": write lower-case letters`,
		`fields[4].labels: label "Aceptado" is a command keyword`,
		`fields[5].choices[1].value: "urgent" is not a priority`,
		`fields[6].name: "title" is an incident's own key`,
	} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("check-config output lacks %q:\n%s", want, errOut.String())
		}
	}
}
