package mailin

import (
	"encoding/json"
	"strings"
	"testing"

	"incidentd/workflow"
)

// TestExplainForm: `incidentd parse -json` shows the organization's own
// fields beside the built-in ones under "fields", and the required ones a
// report lacks under "missing".
func TestExplainForm(t *testing.T) {
	form := workflow.NewForm([]workflow.FieldDef{
		{Name: "environment", Labels: []string{"Entorno", "Environment"}, Kind: workflow.FieldChoice,
			Choices: []workflow.Choice{{Value: "production", Labels: []string{"Producción", "Production", "prod"}}}},
		{Name: "version", Labels: []string{"Versión", "Version"}, Kind: workflow.FieldText, Required: true},
	})
	p := &Processor{Form: form, Defaults: workflow.Fields{Type: workflow.TypeError, Priority: workflow.PriorityMedium}}
	mail := "From: carol@example.com\r\nTo: incidents@example.com\r\nSubject: Login fails\r\nMessage-ID: <m1@example.com>\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n\r\nEntorno: prod\r\nNadie entra.\r\n"
	ex, err := p.Explain(t.Context(), []byte(mail))
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(ex)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"environment":"production"`, `"type":"error"`, `"missing":["version"]`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("parse -json lacks %s:\n%s", want, b)
		}
	}
}
