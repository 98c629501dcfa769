package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"incidentd/workflow"
	"incidentd/workflow/store"
)

// operatorTOML is a daemon's configuration whose mail passwords and token
// secret come from the environment.
const operatorTOML = `
[imap]
address = "imap.example.com:993"
username = "incidents@example.com"
password_env = "INCIDENTD_IMAP_PASSWORD"
[smtp]
address = "smtp.example.com:587"
username = "incidents@example.com"
from = "Incidents <incidents@example.com>"
password_env = "INCIDENTD_SMTP_PASSWORD"
[workflow]
domains = ["example.com"]
evaluators = ["alice@example.com"]
[security]
token_secret_env = "INCIDENTD_TOKEN_SECRET"
`

// operatorConfig writes operatorTOML and, beside it, the database of a
// daemon that took INC-1 in, with two colleagues watching it, and sent the
// reporter its acknowledgement on the second attempt. It returns the configuration's path. The secrets'
// environment variables are unset, as in an operator's shell.
func operatorConfig(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"INCIDENTD_IMAP_PASSWORD", "INCIDENTD_SMTP_PASSWORD", "INCIDENTD_TOKEN_SECRET"} {
		t.Setenv(name, "") // restored after the test
		os.Unsetenv(name)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "incidentd.toml")
	if err := os.WriteFile(path, []byte(operatorTOML), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	st, err := store.Open(ctx, filepath.Join(dir, "incidentd.db"), filepath.Join(dir, "attachments"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Now()
	err = st.Update(ctx, func(tx *store.Tx) error {
		inc := workflow.Incident{Title: "Printer jam", Reporter: "carol@example.com", Fields: workflow.Fields{Type: workflow.TypeError,
			Priority: workflow.PriorityHigh}, State: workflow.Reported, Created: now, Updated: now}
		if err := tx.CreateIncident(&inc); err != nil {
			return err
		}
		if err := tx.SetWatchers(inc.ID, []string{"dave@example.com", "ann@example.com"}); err != nil {
			return err
		}
		if err := tx.AppendEvent(workflow.Event{IncidentID: inc.ID, At: now, Actor: inc.Reporter,
			MessageID: "r1@example.com", Kind: workflow.EventReported, To: workflow.Reported}); err != nil {
			return err
		}
		return tx.Enqueue(store.Outgoing{IncidentID: inc.ID, MessageID: "n1@incidentd", Recipient: inc.Reporter,
			Notice: workflow.Notice{Kind: workflow.NoticeAck, To: []string{inc.Reporter}, Incident: inc}, Date: now})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.MarkRetry(ctx, 1, now, "421 try again later"); err != nil {
		t.Fatal(err)
	}
	if err := st.MarkSent(ctx, now, 1); err != nil {
		t.Fatal(err)
	}
	return path
}

// run runs incidentd with args and returns its exit code, standard output
// and standard error.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut strings.Builder
	code := runMain(t.Context(), args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

// TestFlagsAfterArguments: a subcommand's flags may follow its arguments,
// and a subcommand that takes none refuses a stray one.
func TestFlagsAfterArguments(t *testing.T) {
	path := operatorConfig(t)
	for _, args := range [][]string{
		{"show", "-config", path, "1"},
		{"show", "1", "-config", path},
		{"show", "INC-1", "-config", path},
		{"show", "-config", path, "--", "1"},
	} {
		if code, out, errOut := run(t, args...); code != 0 || !strings.Contains(out, "INC-1  Printer jam") ||
			!strings.Contains(out, "watchers:     ann@example.com, dave@example.com\n") {
			t.Errorf("%q: exit %d\n%s%s", args, code, out, errOut)
		}
	}
	if code, _, errOut := run(t, "show", "1", "2", "-config", path); code != 1 || !strings.Contains(errOut, "name one incident") {
		t.Errorf("show 1 2: exit %d: %s", code, errOut)
	}
	code, _, errOut := run(t, "list", "INC-1", "-config", path)
	if want := `unexpected argument "INC-1" (incidentd list takes flags only`; code != 1 || !strings.Contains(errOut, want) {
		t.Errorf("list INC-1: exit %d, want 1 and %q: %s", code, want, errOut)
	}
}

// TestQueriesNeedOnlyTheDatabase: the commands that read or tend the
// database work without the mail passwords and the token secret, which
// the daemon and check-config still require; they refuse a database that
// does not exist rather than create an empty one.
func TestQueriesNeedOnlyTheDatabase(t *testing.T) {
	path := operatorConfig(t)
	// A file that names only the database does as well for the commands
	// that only read or tend it.
	minimal := filepath.Join(filepath.Dir(path), "minimal.toml")
	if err := os.WriteFile(minimal, []byte("[storage]\ndatabase = \"incidentd.db\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, config := range []string{path, minimal} {
		for _, args := range [][]string{
			{"list", "-config", config}, {"show", "-config", config, "1"}, {"stats", "-config", config},
			{"outbox", "-config", config},
		} {
			if code, out, errOut := run(t, args...); code != 0 || out == "" {
				t.Errorf("%q: exit %d\n%s%s", args, code, out, errOut)
			}
		}
	}
	reply := "From: alice@example.com\r\nTo: incidents@example.com\r\nSubject: RE: [INC-1] Printer jam\r\n" +
		"Message-ID: <a1@example.com>\r\n\r\nACCEPT\r\n"
	var explained, parseErr strings.Builder
	if code := runMain(t.Context(), []string{"parse", "-config", path}, strings.NewReader(reply), &explained, &parseErr); code != 0 ||
		!strings.Contains(explained.String(), "incident:   INC-1") {
		t.Errorf("parse without secrets: exit %d\n%s%s", code, explained.String(), parseErr.String())
	}
	code, _, errOut := run(t, "check-config", "-config", path)
	for _, want := range []string{"imap.password_env", "smtp.password_env", "security.token_secret_env"} {
		if code != 1 || !strings.Contains(errOut, want) {
			t.Errorf("check-config: exit %d, want 1 naming %s:\n%s", code, want, errOut)
		}
	}
	if code, _, errOut := run(t, "run", "-config", path); code != 1 || !strings.Contains(errOut, "imap.password_env") {
		t.Errorf("run: exit %d, want 1 naming imap.password_env:\n%s", code, errOut)
	}

	missing := filepath.Join(t.TempDir(), "incidentd.toml")
	if err := os.WriteFile(missing, []byte(operatorTOML), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = run(t, "list", "-config", missing)
	if want := "(storage.database of " + missing + "): the daemon makes it"; code != 1 || !strings.Contains(errOut, want) {
		t.Errorf("list without a database: exit %d, want 1 and %q:\n%s", code, want, errOut)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(missing), "incidentd.db")); err == nil {
		t.Error("list made a database")
	}
}

// TestListState: list -state takes a state of the workflow and names them
// all when given another.
func TestListState(t *testing.T) {
	path := operatorConfig(t)
	if code, out, errOut := run(t, "list", "-state", "reported", "-config", path); code != 0 || !strings.Contains(out, "INC-1") {
		t.Errorf("list -state reported: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut := run(t, "list", "-state", "closed", "-config", path); code != 0 || strings.Contains(out, "INC-1") {
		t.Errorf("list -state closed: exit %d\n%s%s", code, out, errOut)
	}
	code, _, errOut := run(t, "list", "-state", "nope", "-config", path)
	want := `-state "nope" is not a state: reported, in_resolution, info_requested, resolved, rejected, closed`
	if code != 1 || !strings.Contains(errOut, want) {
		t.Errorf("list -state nope: exit %d, want 1 and %q:\n%s", code, want, errOut)
	}
}

// TestStats: -since takes the configuration's durations, weeks and days
// included, and a stage no incident went through shows no time.
func TestStats(t *testing.T) {
	path := operatorConfig(t)
	for _, since := range []string{"1w", "30d", "12h"} {
		code, out, errOut := run(t, "stats", "-since", since, "-config", path)
		if code != 0 || !strings.HasPrefix(out, "from ") || !strings.Contains(out, "reported  1  0 (") {
			t.Errorf("stats -since %s: exit %d\n%s%s", since, code, out, errOut)
		}
	}
	if code, _, errOut := run(t, "stats", "-since", "fortnight", "-config", path); code != 1 || !strings.Contains(errOut, "w for weeks") {
		t.Errorf("stats -since fortnight: exit %d, want 1 and the units: %s", code, errOut)
	}
	code, out, errOut := run(t, "stats", "-config", path)
	if code != 0 {
		t.Fatalf("stats: exit %d: %s", code, errOut)
	}
	for _, re := range []string{`(?m)^time to evaluate +0 +– +–$`, `(?m)^error +1 +0 +0 +0 +0 +0 +–$`} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("stats output lacks %s:\n%s", re, out)
		}
	}
	if strings.Contains(out, "0s") {
		t.Errorf("stats shows a time of a stage nothing went through:\n%s", out)
	}
}

// TestOutboxAttempts: the attempts of sent mail count the one the server
// accepted besides the failed ones, whose last error stays in view.
func TestOutboxAttempts(t *testing.T) {
	path := operatorConfig(t)
	for _, state := range []string{"", "sent"} {
		code, out, errOut := run(t, "outbox", "-config", path, "-state", state)
		if re := `(?m)^1 +sent +2 +sent .* INC-1 +ack +carol@example.com +421 try again later$`; code != 0 || !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("outbox -state %q: exit %d, want a row matching %s:\n%s%s", state, code, re, out, errOut)
		}
	}
}

// TestFormChangesKeepValues: an incident reported under one form reads
// the same after the form changes: a field taken out of the
// configuration is shown as no longer in the form, a choice taken out
// keeps its stored value, and a field added is empty.
func TestFormChangesKeepValues(t *testing.T) {
	path := operatorConfig(t)
	st, err := store.Open(t.Context(), filepath.Join(filepath.Dir(path), "incidentd.db"), filepath.Join(filepath.Dir(path), "attachments"))
	if err != nil {
		t.Fatal(err)
	}
	err = st.Update(t.Context(), func(tx *store.Tx) error {
		inc, err := tx.Incident(1)
		if err != nil {
			return err
		}
		inc.Values = map[string]string{"environment": "staging", "customer": "ACME"}
		return tx.SaveIncident(inc)
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	form := `
[[fields]]
name = "environment"
labels = ["Entorno", "Environment"]
kind = "choice"
choices = [ { value = "production", labels = ["Producción", "Production"] } ]
[[fields]]
name = "version"
labels = ["Versión", "Version"]
`
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(form); err != nil {
		t.Fatal(err)
	}
	f.Close()
	var out, errOut strings.Builder
	if code := runMain(t.Context(), []string{"show", "-config", path, "1"}, nil, &out, &errOut); code != 0 {
		t.Fatalf("show: %s", errOut.String())
	}
	for _, want := range []string{"environment:  staging\n", "version:      \n", "customer:     ACME  (no longer in the form)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("show lacks %q:\n%s", want, out.String())
		}
	}
}
