package parse

import (
	"reflect"
	"testing"

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
			got, assumed := Report(c.text, defaults)
			if got != c.want {
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
