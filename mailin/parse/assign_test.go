package parse

import (
	"testing"

	"incidentd/workflow"
)

func TestAssignee(t *testing.T) {
	for text, want := range map[string]string{
		"ACEPTAR\nAsignar: bob@example.com":        "bob@example.com",
		"Assign to: Bob Smith <Bob@Example.com>\n": "Bob@Example.com",
		"**Asignada:** dan@example.com":            "dan@example.com",
		"Asignar: Bob":                             "Bob",
		"Assignment is hard\nAsignar:":             "",
	} {
		got, ok := Assignee(text)
		if got != want || ok != (want != "") {
			t.Errorf("Assignee(%q) = %q, %v; want %q", text, got, ok, want)
		}
	}
	if !IsField("ASSIGN: bob@example.com", workflow.Form{}) {
		t.Error("an assign line is a field, not a near miss")
	}
}
