package parse

import (
	"testing"

	"incidentd/workflow"
)

func TestLanguage(t *testing.T) {
	for text, want := range map[string]string{
		"Priority: High\nSystem: Payroll\n\nThe export fails.":       "en",
		"**Tipo:** Mejora\nPrioridad: Baja\nDescripción: más rápido": "es",
		"RESOLVED: restarted the service":                            "en",
		"ACEPTAR\n\nPriority: High":                                  "es", // the keyword decides
		"Steps to reproduce:\n1. Open\n2. Save\nSistema: Nóminas":    "",   // one of each
		"The export fails since Monday.":                             "",
	} {
		got, ok := Language(text)
		if got != want || ok != (want != "") {
			t.Errorf("Language(%q) = %q, %v; want %q", text, got, ok, want)
		}
	}
	for k := range englishLabels {
		if _, _, ok := reportLabel(k+": x", workflow.Form{}); !ok {
			t.Errorf("English label %s is no report label", k)
		}
	}
}
