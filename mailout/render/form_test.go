package render

import (
	"strings"
	"testing"

	"incidentd/workflow"
)

// testForm is an organization's own form: the environment (a required
// choice), the version (a required text), the impact (multiline), and
// the system turned into a choice.
func testForm() workflow.Form {
	return workflow.NewForm([]workflow.FieldDef{
		{Name: "system", Kind: workflow.FieldChoice, Choices: []workflow.Choice{
			{Value: "portal", Labels: []string{"Portal del empleado", "Employee portal", "portal"}},
			{Value: "billing", Labels: []string{"Facturación", "Billing"}}}},
		{Name: "environment", Labels: []string{"Entorno", "Environment"}, Kind: workflow.FieldChoice, Required: true,
			Choices: []workflow.Choice{
				{Value: "production", Labels: []string{"Producción", "Production", "prod"}},
				{Value: "testing", Labels: []string{"Pruebas", "Testing", "staging"}}}},
		{Name: "version", Labels: []string{"Versión", "Version"}, Kind: workflow.FieldText, Required: true},
		{Name: "impact", Labels: []string{"Impacto", "Impact"}, Kind: workflow.FieldMultiline},
	})
}

// formSamples are notices about an incident of testForm: the
// acknowledgement of a report without its version, the resolvers' notice
// of an acceptance that corrected the priority and the environment, with
// its evaluation, a comment that corrected the version, the
// evaluators' notice of an incident whose environment is a choice no
// longer configured, a later notice that recalls the evaluation, and a
// digest with the figures per environment.
func formSamples() []sample {
	inc := func(s workflow.State) workflow.Incident {
		i := sampleIncident(12, s)
		i.System = "portal"
		i.Values = map[string]string{"environment": "production", "version": "4.2.1",
			"impact": "Nobody can log in.\nPayroll closes today."}
		return i
	}
	ack := workflow.Notice{Kind: workflow.NoticeAck, Incident: inc(workflow.Reported), Actor: "carol@example.com",
		Missing: []string{"version"}}
	delete(ack.Incident.Values, "version")
	assigned := workflow.Notice{Kind: workflow.NoticeAssigned, Incident: inc(workflow.InResolution), Actor: "alice@example.com",
		Text: "Grave: nadie entra.", Changes: []workflow.Change{{Field: "priority", From: "medium", To: "critical"},
			{Field: "environment", From: "testing", To: "production"}}}
	assigned.Incident.Priority, assigned.Incident.Evaluation = workflow.PriorityCritical, "Grave: nadie entra."
	comment := workflow.Notice{Kind: workflow.NoticeComment, Incident: inc(workflow.Reported), Actor: "carol@example.com",
		Text: "Versión: 4.2.1", Changes: []workflow.Change{{Field: "version", To: "4.2.1"}}}
	removed := workflow.Notice{Kind: workflow.NoticeNew, Incident: inc(workflow.Reported), Actor: "carol@example.com"}
	removed.Incident.Values["environment"] = "preproduction"
	accepted := workflow.Notice{Kind: workflow.NoticeResolved, Incident: inc(workflow.Resolved), Actor: "bob@example.com",
		Text: "Reiniciado el servicio de sesiones."}
	accepted.Incident.Evaluation = "Grave: nadie entra."
	m := richMetrics()
	m.ByField = []workflow.FieldGroups{{Field: "environment", Groups: workflow.Groups{
		{Key: "production", Figures: workflow.Figures{Reported: 5, Accepted: 3, Resolved: 2, Closed: 1}},
		{Key: "preproduction", Figures: workflow.Figures{Reported: 1, Rejected: 1}},
		{Key: "", Figures: workflow.Figures{Reported: 2, Accepted: 1}}}}}
	digest := workflow.Notice{Kind: workflow.NoticeDigest, Metrics: &m}
	return []sample{
		{"form-digest", outgoing(digest), map[string][]string{
			"es": {"Entorno (recibidas", "  Producción: 5, 3, 0, 2, 1", "  preproduction: 1, 0, 1, 0, 0", "  —: 2, 1"},
			"en": {"Environment (", "  Production: 5, 3, 0, 2, 1"}}},
		{"form-ack", outgoing(ack), map[string][]string{
			"es": {"Entorno:   Producción", "Versión:   —", "Faltan datos obligatorios", "  - Versión", "Versión: …", "Sistema:   Portal del empleado"},
			"en": {"Environment: Production", "Version:     —", "Some required details are missing", "  - Version", "Version: …", "System:      Employee portal"}}},
		{"form-assigned", outgoing(assigned), map[string][]string{
			"es": {"Prioridad: Crítica", "Impacto:\n    Nobody can log in.", "ha corregido además estos datos:\n  Prioridad: Media → Crítica\n  Entorno: Pruebas → Producción"},
			"en": {"Priority:    Critical", "Impact:\n    Nobody can log in.", "also corrected these details:\n  Priority: Medium → Critical\n  Environment: Testing → Production"}}},
		{"form-comment", outgoing(comment), map[string][]string{
			"es": {"Versión: — → 4.2.1"}, "en": {"Version: — → 4.2.1"}}},
		{"form-new", outgoing(removed), map[string][]string{
			"es": {"Entorno:   preproduction"}, "en": {"Environment: preproduction"}}},
		{"form-evaluation", outgoing(accepted), map[string][]string{"es": {"Evaluación:\n    Grave: nadie entra."}, "en": {"Evaluation:\n    Grave: nadie entra."}}},
	}
}

// TestRenderGoldenForm renders notices about an incident of an
// organization's own form in both languages and compares them with
// testdata/<lang>.form-*.eml; the plain text shows each field with its
// label and its value in the mail's language.
func TestRenderGoldenForm(t *testing.T) {
	for _, lang := range []string{"es", "en"} {
		r, err := NewRenderer(Options{Language: lang, From: testFrom, Roles: testRoles, Form: testForm()})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range formSamples() {
			data, err := r.Render(s.out, "", nil)
			if err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			golden(t, lang+"."+s.name, data)
			_, p := renderParts(t, r, s.out)
			p.Text = strings.ReplaceAll(p.Text, "\r\n", "\n")
			for _, want := range s.want[lang] {
				if !strings.Contains(p.Text, want) {
					t.Errorf("%s %s: text lacks %q:\n%s", lang, s.name, want, p.Text)
				}
			}
		}
	}
}
