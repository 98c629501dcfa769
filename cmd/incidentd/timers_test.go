package main

import (
	"slices"
	"strings"
	"testing"

	"incidentd/workflow"
)

// TestValidationNone: with validation = "none", RESUELTO closes the
// incident; the reporter is told it is closed and needs no confirmation,
// and a CONFIRMAR after it changes nothing.
func TestValidationNone(t *testing.T) {
	w := startWorld(t, func(c *Config) { c.Workflow.Validation = "none" })
	c := w.client
	steps := []step{
		{user: "carol", subject: "Login fails", text: "Sistema: Portal", expect: []string{"carol", "alice"}},
		{user: "alice", text: "ACEPTAR", expect: []string{"carol", "bob", "alice"}},
		{user: "bob", text: "RESUELTO: reiniciado el servicio", expect: []string{"carol", "alice", "bob"}},
	}
	if err := c.play(t.Context(), steps); err != nil {
		t.Fatal(err)
	}
	told := c.last["carol"].msg
	if !strings.Contains(told.Subject, "resuelta y cerrada") || !strings.Contains(told.Text, "no hace falta confirmar") ||
		strings.Contains(told.Text, "CONFIRMAR") {
		t.Errorf("the reporter was told %q:\n%s", told.Subject, told.Text)
	}
	inc, events, _ := w.incident(t, 1)
	last := events[len(events)-1]
	if inc.State != workflow.Closed || last.Kind != workflow.EventResolved || last.To != workflow.Closed {
		t.Fatalf("INC-1 %s, history %v", inc.State, kinds(events))
	}
	if err := c.play(t.Context(), []step{{user: "carol", text: "CONFIRMAR", expect: []string{"carol"}}}); err != nil {
		t.Fatal(err)
	}
	if got := c.last["carol"].msg.Text; !strings.Contains(got, "CONFIRMAR no vale ahora") {
		t.Errorf("a confirmation of a closed incident was answered with:\n%s", got)
	}
	if _, after, _ := w.incident(t, 1); !slices.Equal(kinds(after), kinds(events)) {
		t.Errorf("CONFIRMAR changed the history: %v", kinds(after))
	}
}
