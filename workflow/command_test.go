package workflow

import (
	"errors"
	"testing"
)

func TestParseCommand(t *testing.T) {
	cases := []struct {
		text  string
		found bool
		verb  Verb
		arg   string
	}{
		{"ACCEPT", true, Accept, ""},
		{"accept looks valid", true, Accept, "looks valid"},
		{"\n\n  Aceptar: de acuerdo\n", true, Accept, "de acuerdo"},
		{"REJECT: duplicate of INC-4", true, Reject, "duplicate of INC-4"},
		{"rechazar:no es un error\nfunciona así", true, Reject, "no es un error\nfunciona así"},
		{"RESUELTO: reinicié el servicio", true, Resolve, "reinicié el servicio"},
		{"Resolved", true, Resolve, ""},
		{"INFO: which version?", true, RequestInfo, "which version?"},
		{"Información: ¿qué versión?", true, RequestInfo, "¿qué versión?"},
		{"INFORMACION: ¿qué versión?", true, RequestInfo, "¿qué versión?"},
		{"confirmar", true, Confirm, ""},
		{"CONFIRM.", true, Confirm, ""},
		{"CONFIRMAR, ya funciona. ¡Gracias!", true, Confirm, "ya funciona. ¡Gracias!"},
		{"Aceptar/rechazar según veas", false, "", ""},
		{"Info2 is the server name", false, "", ""},
		{"Reabrir: sigue fallando", true, Reopen, "sigue fallando"},
		{"**REOPEN**: still broken", true, Reopen, "still broken"},
		{"Accepted the risk already", false, "", ""},
		{"Thanks, I will accept it later", false, "", ""},
		{"", false, "", ""},
		{"REJECT: dup\nResolved in INC-3 already", true, Reject, "dup\nResolved in INC-3 already"},
	}
	for _, c := range cases {
		cmd, found, err := ParseCommand(c.text)
		if err != nil || found != c.found || cmd.Verb != c.verb || cmd.Argument != c.arg {
			t.Errorf("ParseCommand(%q) = %+v %v %v, want %s %q", c.text, cmd, found, err, c.verb, c.arg)
		}
	}
}

func TestParseCommandConflict(t *testing.T) {
	for _, text := range []string{"ACCEPT\nREJECT: not a bug", "RESOLVED: done\nINFO", "Aceptar\n\nRechazar: no"} {
		_, _, err := ParseCommand(text)
		var r *Refusal
		if !errors.As(err, &r) || r.Reason != Conflict {
			t.Errorf("ParseCommand(%q): %v, want a conflict", text, err)
		}
	}
	if _, found, err := ParseCommand("ACCEPT\nACCEPT"); err != nil || !found {
		t.Errorf("a repeated keyword is no conflict: %v", err)
	}
}

func TestParseValues(t *testing.T) {
	for in, want := range map[string]Type{"Bug": TypeError, "mejora": TypeImprovement, "Nueva funcionalidad": TypeFeature, " tarea ": TypeTask} {
		if got, ok := ParseType(in); !ok || got != want {
			t.Errorf("ParseType(%q) = %s", in, got)
		}
	}
	for in, want := range map[string]Priority{"Crítica": PriorityCritical, "Major": PriorityHigh, "minor": PriorityMedium, "Trivial": PriorityLow} {
		if got, ok := ParsePriority(in); !ok || got != want {
			t.Errorf("ParsePriority(%q) = %s", in, got)
		}
	}
	if _, ok := ParsePriority("whenever"); ok {
		t.Error("an unknown priority must not be understood")
	}
}
