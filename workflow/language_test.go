package workflow

import "testing"

func TestCommandLanguage(t *testing.T) {
	for text, want := range map[string]string{
		"RESOLVED: restarted":           "en",
		"Hi Bob,\n\nAccepted, thanks":   "en",
		"OK, confirmed":                 "en",
		"RESUELTO: reiniciado":          "es",
		"Hola,\n\nACEPTAR":              "es",
		"Reabierta: sigue fallando":     "es",
		"INFO: which browser?":          "",
		"Thanks, it works now":          "",
		"Confirmo que sigue fallando":   "",
		"ACCEPT\nREJECT: no":            "",
		"Prioridad: Alta\nSistema: ERP": "",
		"WATCH":                         "en",
		"Seguir":                        "es",
	} {
		got, ok := CommandLanguage(text)
		if got != want || ok != (want != "") {
			t.Errorf("CommandLanguage(%q) = %q, %v; want %q", text, got, ok, want)
		}
	}
}
