package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"incidentd/workflow"
)

// formWords are what the people of one language write and read in
// TestFormEndToEnd.
type formWords struct {
	report, fill, accept          string // what carol reports, her answer, alice's ACEPTAR with a correction
	badValue                      string // bob's correction with a value that is no choice
	missing, ack, correctedTo     string // what the acknowledgement and the notices say
	assigned, evaluation, choices string
}

// formConfig is the demo's configuration in lang with an organization's
// own form: a choice field (the environment) and a required text (the
// version).
func formConfig(lang string) func(*Config) {
	return func(c *Config) {
		c.Workflow.Language = lang
		c.Fields = []workflow.FieldDef{
			{Name: "environment", Labels: []string{"Entorno", "Environment"}, Kind: workflow.FieldChoice,
				Choices: []workflow.Choice{
					{Value: "production", Labels: []string{"Producción", "Production", "prod"}},
					{Value: "testing", Labels: []string{"Pruebas", "Testing", "staging"}}}},
			{Name: "version", Labels: []string{"Versión", "Version"}, Kind: workflow.FieldText, Required: true},
		}
	}
}

// TestFormEndToEnd plays an organization's own form through the demo
// servers, in Spanish and in English: a report without the required
// version is acknowledged with what is missing; the reporter's answer
// fills it; the evaluator accepts and corrects the priority in the same
// mail, whose note is the evaluation; a resolver's value that is no
// choice is answered with the valid ones and changes nothing; show,
// stats -json and the notices say all of it.
func TestFormEndToEnd(t *testing.T) {
	for lang, words := range map[string]formWords{
		"es": {report: "Entorno: prod\nSistema: Portal\n\nNadie puede entrar.", fill: "Versión: 4.2.1",
			accept: "ACEPTAR: grave, afecta a todos\nPrioridad: Crítica", badValue: "Entorno: producción-eu",
			missing: "Faltan datos obligatorios:\n  - Versión", ack: "Entorno:   Producción",
			correctedTo: "Versión: — → 4.2.1", assigned: "Prioridad: Media → Crítica", evaluation: "grave, afecta a todos",
			choices: "valen: Producción, Pruebas"},
		"en": {report: "Environment: prod\nSystem: Portal\n\nNobody can log in.", fill: "Version: 4.2.1",
			accept: "ACCEPT: serious, everyone is affected\nPriority: Critical", badValue: "Environment: prod-eu",
			missing: "Some required details are missing:\n  - Version", ack: "Environment: Production",
			correctedTo: "Version: — → 4.2.1", assigned: "Priority: Medium → Critical", evaluation: "serious, everyone is affected",
			choices: "write one of: Production, Testing"},
	} {
		t.Run(lang, func(t *testing.T) {
			w := startWorld(t, formConfig(lang))
			c := w.client
			text := func(user string) string { return strings.ReplaceAll(c.last[user].msg.Text, "\r\n", "\n") }

			// The report lacks the version: registered, and the reporter is told.
			if err := c.play(t.Context(), []step{{user: "carol", subject: "Login fails", text: words.report, expect: []string{"carol", "alice"}}}); err != nil {
				t.Fatal(err)
			}
			if got := text("carol"); !strings.Contains(got, words.missing) || !strings.Contains(got, words.ack) {
				t.Errorf("the acknowledgement does not say what is missing:\n%s", got)
			}
			// The reporter's answer fills it; the evaluator is told.
			if err := c.play(t.Context(), []step{{user: "carol", text: words.fill, expect: []string{"alice", "carol"}}}); err != nil {
				t.Fatal(err)
			}
			if got := text("alice"); !strings.Contains(got, words.correctedTo) {
				t.Errorf("the evaluator's notice of the answer:\n%s", got)
			}
			// ACEPTAR with a priority: both happen; the note is the evaluation.
			if err := c.play(t.Context(), []step{{user: "alice", text: words.accept, expect: []string{"carol", "bob", "alice"}}}); err != nil {
				t.Fatal(err)
			}
			if got := text("bob"); !strings.Contains(got, words.assigned) || !strings.Contains(got, words.evaluation) || strings.Contains(got, "Critical\n    ") {
				t.Errorf("the resolver's notice:\n%s", got)
			}
			// A value that is no choice: the resolver is told the valid ones.
			var problems string
			c.onReceive = func(user string, r *received) {
				if user == "bob" {
					problems += r.msg.Text
				}
			}
			if err := c.play(t.Context(), []step{{user: "bob", text: words.badValue, expect: []string{"carol", "bob", "bob"}}}); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(problems, words.choices) {
				t.Errorf("the answer to a value that is no choice:\n%s", problems)
			}

			inc, events, _ := w.incident(t, 1)
			if inc.State != workflow.InResolution || inc.Priority != workflow.PriorityCritical ||
				inc.Values["environment"] != "production" || inc.Values["version"] != "4.2.1" || inc.Evaluation != words.evaluation {
				t.Fatalf("INC-1 %+v", inc)
			}
			want := []workflow.EventKind{workflow.EventReported, workflow.EventUpdated, workflow.EventAccepted, workflow.EventUpdated, workflow.EventComment}
			if got := kinds(events); !slicesEqual(got, want) {
				t.Fatalf("history %v, want %v", got, want)
			}
			if events[3].Text != "priority: medium → critical" || events[3].Actor != "alice@example.com" || events[3].MessageID != events[2].MessageID {
				t.Errorf("the correction under ACEPTAR in the history: %+v", events[3])
			}

			path := filepath.Join(t.TempDir(), "incidentd.toml")
			if err := writeConfig(path, w.d.cfg); err != nil {
				t.Fatal(err)
			}
			var out, errOut strings.Builder
			if code := runMain(t.Context(), []string{"show", "-config", path, "1"}, nil, &out, &errOut); code != 0 {
				t.Fatalf("show: %s", errOut.String())
			}
			for _, s := range []string{"environment:  production", "version:      4.2.1", "evaluation:\n  " + words.evaluation, "priority: medium → critical"} {
				if !strings.Contains(out.String(), s) {
					t.Errorf("show lacks %q:\n%s", s, out.String())
				}
			}
			out.Reset()
			if code := runMain(t.Context(), []string{"stats", "-json", "-config", path}, nil, &out, &errOut); code != 0 {
				t.Fatalf("stats: %s", errOut.String())
			}
			var stats struct {
				ByField []workflow.FieldGroups `json:"by_field"`
			}
			if err := json.Unmarshal([]byte(out.String()), &stats); err != nil {
				t.Fatal(err)
			}
			if len(stats.ByField) != 1 || stats.ByField[0].Field != "environment" || stats.ByField[0].Groups[0].Key != "production" ||
				stats.ByField[0].Groups[0].Reported != 1 || stats.ByField[0].Groups[0].Accepted != 1 {
				t.Errorf("stats by field: %s", out.String())
			}
			out.Reset()
			if code := runMain(t.Context(), []string{"list", "-json", "-config", path}, nil, &out, &errOut); code != 0 {
				t.Fatalf("list: %s", errOut.String())
			}
			if s := out.String(); !strings.Contains(s, `"environment": "production"`) || !strings.Contains(s, `"evaluation": "`+words.evaluation+`"`) {
				t.Errorf("list -json:\n%s", s)
			}
		})
	}
}

// slicesEqual reports whether a and b hold the same kinds in order.
func slicesEqual(a, b []workflow.EventKind) bool {
	return strings.Join(kindNames(a), ",") == strings.Join(kindNames(b), ",")
}

func kindNames(ks []workflow.EventKind) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	return out
}
