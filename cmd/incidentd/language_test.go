package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPerPersonLanguage plays an incident through the demo servers in
// which each mail goes in its reader's language: alice's as configured,
// whatever she writes; carol's and bob's in the language they last wrote
// in (English labels, then a Spanish keyword; an English keyword); bob's
// in the default, Spanish, until he writes.
func TestPerPersonLanguage(t *testing.T) {
	w := startWorld(t, func(c *Config) { c.Workflow.Languages = map[string]string{"Alice@example.com": "en"} })
	c := w.client
	rounds := []struct {
		step
		langs map[string]string // the language of the mail each user receives
	}{
		{step{user: "carol", subject: "Export fails", text: "Priority: High\nSystem: Portal\n\nThe export stops at 80%.",
			expect: []string{"carol", "alice"}}, map[string]string{"carol": "en", "alice": "en"}},
		{step{user: "alice", text: "ACEPTAR", expect: []string{"carol", "bob", "alice"}},
			map[string]string{"carol": "en", "bob": "es", "alice": "en"}},
		{step{user: "bob", text: "RESOLVED: restarted the exporter", expect: []string{"carol", "bob"}},
			map[string]string{"carol": "en", "bob": "en"}},
		{step{user: "carol", text: "CONFIRMAR", expect: []string{"alice", "bob", "carol"}},
			map[string]string{"alice": "en", "bob": "en", "carol": "es"}},
	}
	for i, r := range rounds {
		if err := c.play(t.Context(), []step{r.step}); err != nil {
			t.Fatal(err)
		}
		for user, want := range r.langs {
			text := c.last[user].msg.Text
			got := "es"
			if strings.HasPrefix(text, "Hello") {
				got = "en"
			}
			if got != want || !strings.HasPrefix(text, map[string]string{"es": "Hola", "en": "Hello"}[want]) {
				t.Errorf("step %d: %s was written to in %s, want %s:\n%s", i+1, user, got, want, text)
			}
		}
	}
}

// TestLanguagesConfig: each problem of [workflow] languages is named by
// its key.
func TestLanguagesConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.toml")
	keys := `[workflow]
domains = ["example.com"]
languages = { "ana@example.com" = "en", "bob" = "es", "Carol <carol@example.com>" = "en", "dave@example.com" = "fr" }
`
	if err := os.WriteFile(path, []byte(keys), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := loadChecked(path, func(c *Config) []error { return checkKeys(c.validateWorkflow) })
	for _, want := range []string{
		`workflow.languages."bob": "bob" is not an address`,
		`workflow.languages."Carol <carol@example.com>": "Carol <carol@example.com>" is not an address`,
		`workflow.languages."dave@example.com": "fr" is not one of es, en`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("problems %v lack %q", err, want)
		}
	}
	if err != nil && strings.Contains(err.Error(), "ana@example.com") {
		t.Errorf("a good entry is named a problem: %v", err)
	}
}
