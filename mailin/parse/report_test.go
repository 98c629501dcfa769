package parse

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"incidentd/workflow"
)

func TestReport(t *testing.T) {
	defaults := workflow.Fields{Type: workflow.TypeTask, Priority: workflow.PriorityLow, System: "General"}
	cases := []struct {
		name    string
		text    string
		want    workflow.Fields
		assumed []workflow.Assumption
	}{
		{
			name: "english, multi-line values",
			text: "Type: Bug\nPriority: Critical\nSystem: Billing\nDescription: Invoices\nare duplicated.\nSteps to reproduce:\n1. open\n2. save",
			want: workflow.Fields{Type: workflow.TypeError, Priority: workflow.PriorityCritical, System: "Billing",
				Description: "Invoices\nare duplicated.", Steps: "1. open\n2. save"},
		},
		{
			name: "spanish labels, any case and accents",
			text: "TIPO DE INCIDENTE: mejora\nprioridad: Crítica\nSISTEMA: Nóminas\ndescripcion: Añadir filtro\nPasos para recrear el error: ninguno",
			want: workflow.Fields{Type: workflow.TypeImprovement, Priority: workflow.PriorityCritical, System: "Nóminas",
				Description: "Añadir filtro", Steps: "ninguno"},
		},
		{
			name: "a sentence after the steps is description; a sign-off is nothing",
			text: "Sistema: Nóminas\nPrioridad: urgentísimo\nPasos:\n1. abrir la nómina\n\n2. pulsar Calcular\n   (tarda)\n\nAdjunto captura.\n\nSaludos,\nCarol\nRecursos Humanos",
			want: workflow.Fields{Type: workflow.TypeTask, Priority: workflow.PriorityCritical, System: "Nóminas",
				Description: "Adjunto captura.", Steps: "1. abrir la nómina\n\n2. pulsar Calcular\n   (tarda)"},
			assumed: []workflow.Assumption{{Field: "type", Used: "task"}},
		},
		{
			name: "markdown decorations",
			text: "**Tipo:** Tarea\n- Priority: high\n* **System**: CRM",
			want: workflow.Fields{Type: workflow.TypeTask, Priority: workflow.PriorityHigh, System: "CRM"},
		},
		{
			name: "free text is description, joined after the labelled one",
			text: "The app crashes on start.\n\nPriority: low\nDescription: since 4.2\n",
			want: workflow.Fields{Type: workflow.TypeTask, Priority: workflow.PriorityLow, System: "General",
				Description: "since 4.2\n\nThe app crashes on start."},
			assumed: []workflow.Assumption{{Field: "type", Used: "task"}, {Field: "system", Used: "General"}},
		},
		{
			name: "text after a one-line field is description",
			text: "Prioridad: alta\n\nNo funciona el login.",
			want: workflow.Fields{Type: workflow.TypeTask, Priority: workflow.PriorityHigh, System: "General",
				Description: "No funciona el login."},
			assumed: []workflow.Assumption{{Field: "type", Used: "task"}, {Field: "system", Used: "General"}},
		},
		{
			name: "unknown values fall back to defaults",
			text: "Type: catastrophe\nPriority: yesterday\nSystem: ERP",
			want: workflow.Fields{Type: workflow.TypeTask, Priority: workflow.PriorityLow, System: "ERP"},
			assumed: []workflow.Assumption{{Field: "type", Given: "catastrophe", Used: "task"},
				{Field: "priority", Given: "yesterday", Used: "low"}},
		},
		{
			name: "value on the next line",
			text: "Priority:\nMedium\nSystem: ERP\nType: feature",
			want: workflow.Fields{Type: workflow.TypeFeature, Priority: workflow.PriorityMedium, System: "ERP"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, assumed, _ := Report(c.text, workflow.Form{}, defaults)
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("fields = %+v\nwant     %+v", got, c.want)
			}
			if !reflect.DeepEqual(assumed, c.assumed) {
				t.Errorf("assumed = %+v, want %+v", assumed, c.assumed)
			}
		})
	}
}

func TestTitleAndTag(t *testing.T) {
	cases := []struct {
		subject, title string
		tag            int64
	}{
		{"Re: [INC-12] Falla el cierre", "Falla el cierre", 12},
		{"RE: RE: Fwd: [INC-3] Printer", "Printer", 3},
		{"AW: WG: SV: TR: Antw: R: RV: FW: Login", "Login", 0},
		{"re:Re[2]: RE : [inc-44] Slow", "Slow", 44},
		{"[INC-5] Re: Broken export", "Broken export", 5},
		{"Regression in reports", "Regression in reports", 0},
		{"Report: disk full", "Report: disk full", 0},
		{"[INC-99999999999999999999] overflow", "overflow", 0},
	}
	for _, c := range cases {
		if got := Title(c.subject); got != c.title {
			t.Errorf("Title(%q) = %q, want %q", c.subject, got, c.title)
		}
		if got := Tag(c.subject); got != c.tag {
			t.Errorf("Tag(%q) = %d, want %d", c.subject, got, c.tag)
		}
	}
}

// TestForwardedDates: the date of a forwarded mail is read in the forms
// mail clients write it in, in several languages.
func TestForwardedDates(t *testing.T) {
	want := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
	for _, s := range []string{
		"Mon, 4 May 2026 10:00:00 +0000",     // RFC 5322
		"Monday, May 4, 2026 at 10:00 AM",    // Outlook, English
		"lun, 4 may 2026 a las 10:00",        // Gmail, Spanish
		"lunes, 4 de mayo de 2026 10:00",     // Outlook, Spanish
		"4 de mayo de 2026, 10:00:00 UTC",    // Apple Mail, Spanish
		"lun. 4 mai 2026 à 10:00",            // Gmail, French
		"lundi 4 mai 2026 10h00",             // Outlook, French
		"Mo., 4. Mai 2026 um 10:00",          // Gmail, German
		"seg., 4 de mai. de 2026 às 10:00",   // Gmail, Portuguese
		"lun 4 mag 2026 alle ore 10:00",      // Gmail, Italian
		"Montag, 4. Mai 2026 10:00:00 +0000", // German with a zone
	} {
		if got := parseDate(s); !got.Equal(want) {
			t.Errorf("parseDate(%q) = %v, want %v", s, got, want)
		}
	}
	if got := parseDate("mar, 3 mar 2026 a las 9:05"); !got.Equal(time.Date(2026, 3, 3, 9, 5, 0, 0, time.UTC)) {
		t.Errorf("Spanish Tuesday and March: %v", got)
	}
	for _, s := range []string{"", "mañana", "4 de mayo", "the day before yesterday"} {
		if got := parseDate(s); !got.IsZero() {
			t.Errorf("parseDate(%q) = %v, want none", s, got)
		}
	}
}

// testForm is an organization's own form: a required environment
// choice, a version, the system taken out.
func testForm() workflow.Form {
	return workflow.NewForm([]workflow.FieldDef{
		{Name: "system", Removed: true},
		{Name: "environment", Labels: []string{"Entorno", "Environment"}, Kind: workflow.FieldChoice, Required: true,
			Choices: []workflow.Choice{{Value: "production", Labels: []string{"Producción", "Production", "prod"}},
				{Value: "testing", Labels: []string{"Pruebas", "Testing"}}}},
		{Name: "version", Labels: []string{"Versión", "Version"}, Kind: workflow.FieldText, Default: "unknown"},
		{Name: "impact", Labels: []string{"Impacto", "Impact"}, Kind: workflow.FieldMultiline},
	})
}

func TestReportWithForm(t *testing.T) {
	defaults := workflow.Fields{Type: workflow.TypeError, Priority: workflow.PriorityMedium}
	got, assumed, missing := Report("ENTORNO: Prod\nSistema: Nóminas\nImpacto: nadie cobra\nla nómina\nPrioridad: alta", testForm(), defaults)
	want := workflow.Fields{Type: workflow.TypeError, Priority: workflow.PriorityHigh, Description: "Sistema: Nóminas",
		Values: map[string]string{"environment": "production", "version": "unknown", "impact": "nadie cobra\nla nómina"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("fields = %+v\nwant     %+v", got, want)
	}
	if want := []workflow.Assumption{{Field: "type", Used: "error"}, {Field: "version", Used: "unknown"}}; !reflect.DeepEqual(assumed, want) {
		t.Errorf("assumed %+v, want %+v (a removed system is no assumption)", assumed, want)
	}
	if missing != nil {
		t.Errorf("missing %v", missing)
	}
	_, assumed, missing = Report("Entorno: preproducción", testForm(), defaults)
	if !reflect.DeepEqual(missing, []string{"environment"}) || slices.ContainsFunc(assumed, func(a workflow.Assumption) bool { return a.Field == "environment" }) {
		t.Errorf("a required choice not given is missing, not assumed: %v %+v", missing, assumed)
	}
}

func TestCorrections(t *testing.T) {
	fixes, problems, rest := Corrections("ACEPTAR: grave\nPrioridad: Crítica\nEntorno:\npruebas\n\nSigue fallando en caja.", testForm())
	if want := []workflow.Correction{{Field: "priority", Value: "critical"}, {Field: "environment", Value: "testing"}}; !reflect.DeepEqual(fixes, want) || problems != nil {
		t.Errorf("fixes %+v problems %+v", fixes, problems)
	}
	if rest != "ACEPTAR: grave\n\nSigue fallando en caja." {
		t.Errorf("rest %q", rest)
	}
	_, problems, _ = Corrections("Entrono: prod\nEntorno: preproducción\nNota: mañana lo miro", testForm())
	want := []workflow.FieldProblem{{Label: "Entrono", Value: "prod", Unknown: true}, {Label: "Entorno", Value: "preproducción", Field: "environment"}}
	if !reflect.DeepEqual(problems, want) {
		t.Errorf("problems %+v, want %+v (a word before a colon that is no label is text)", problems, want)
	}
}
