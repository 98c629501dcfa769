package workflow

import (
	"errors"
	"testing"
)

// The first lines of replies as people write them, in both languages:
// each acts (verb and argument), asks what was meant (a near miss, with
// the verb it is closest to) or stays a comment.
func TestParseCommand(t *testing.T) {
	const comment, ask = "comment", "ask"
	cases := []struct {
		text string
		verb Verb   // acts when set
		arg  string // its argument
		ask  Verb   // with outcome ask: the verb meant ("" for none)
		out  string // comment or ask when verb is not set
	}{
		// The keywords as the notices write them.
		{text: "ACCEPT", verb: Accept},
		{text: "\n\n  Aceptar: de acuerdo\n", verb: Accept, arg: "de acuerdo"},
		{text: "REJECT: duplicate of INC-4", verb: Reject, arg: "duplicate of INC-4"},
		{text: "rechazar:no es un error\nfunciona así", verb: Reject, arg: "no es un error\nfunciona así"},
		{text: "RESUELTO: reinicié el servicio", verb: Resolve, arg: "reinicié el servicio"},
		{text: "Resolved", verb: Resolve},
		{text: "INFO: which version?", verb: RequestInfo, arg: "which version?"},
		{text: "Información: ¿qué versión?", verb: RequestInfo, arg: "¿qué versión?"},
		{text: "INFORMACION: ¿qué versión?", verb: RequestInfo, arg: "¿qué versión?"},
		{text: "confirmar", verb: Confirm},
		{text: "CONFIRM.", verb: Confirm},
		{text: "CONFIRMAR, ya funciona. ¡Gracias!", verb: Confirm, arg: "ya funciona. ¡Gracias!"},
		{text: "Reabrir: sigue fallando", verb: Reopen, arg: "sigue fallando"},
		{text: "**REOPEN**: still broken", verb: Reopen, arg: "still broken"},
		{text: "REJECT: dup\nResolved in INC-3 already", verb: Reject, arg: "dup\nResolved in INC-3 already"},
		{text: "ACCEPT looks valid", verb: Accept, arg: "looks valid"},
		// Inflections, participles and the first person.
		{text: "Aceptado", verb: Accept},
		{text: "Aceptada.", verb: Accept},
		{text: "Accepted", verb: Accept},
		// Thanks after the keyword are courtesy, not a note.
		{text: "ACCEPTED, thanks", verb: Accept},
		{text: "Aceptado gracias", verb: Accept},
		{text: "Hola,\n\nACEPTADO, muchas gracias!", verb: Accept},
		{text: "Confirmed, thank you.\nAll good now", verb: Confirm, arg: "All good now"},
		{text: "RECHAZADO, gracias", verb: Reject},
		{text: "Aceptado, gracias por el detalle", verb: Accept, arg: "gracias por el detalle"},
		{text: "acepto", verb: Accept},
		{text: "Aprobado: adelante", verb: Accept, arg: "adelante"},
		{text: "Approved!", verb: Accept},
		{text: "REJECTED: dup", verb: Reject, arg: "dup"},
		{text: "Rechazado: no es un error, es el comportamiento esperado", verb: Reject, arg: "no es un error, es el comportamiento esperado"},
		{text: "rechazada - duplicada de INC-7", verb: Reject, arg: "duplicada de INC-7"},
		{text: "Declined: out of scope", verb: Reject, arg: "out of scope"},
		{text: "RESUELTA", verb: Resolve},
		{text: "Resuelto: cambié la contraseña del servicio", verb: Resolve, arg: "cambié la contraseña del servicio"},
		{text: "Fixed: restarted the queue", verb: Resolve, arg: "restarted the queue"},
		{text: "FIXED in 2.3.1", verb: Resolve, arg: "in 2.3.1"},
		{text: "Solucionado.", verb: Resolve},
		{text: "Arreglado: era la caché", verb: Resolve, arg: "era la caché"},
		{text: "corregida", verb: Resolve},
		{text: "confirmado", verb: Confirm},
		{text: "Confirmed, works now", verb: Confirm, arg: "works now"},
		{text: "Verificado: ya funciona", verb: Confirm, arg: "ya funciona"},
		{text: "Reabro: sigue igual", verb: Reopen, arg: "sigue igual"},
		{text: "REABIERTO", verb: Reopen},
		{text: "Reopened: same error after the update", verb: Reopen, arg: "same error after the update"},
		{text: "Needinfo: which browser?", verb: RequestInfo, arg: "which browser?"},
		// A salutation line, blank lines or an interjection before it.
		{text: "Hola,\n\nRESUELTO: reinicié el servicio", verb: Resolve, arg: "reinicié el servicio"},
		{text: "Hi Alice,\n\nAccepted.", verb: Accept},
		{text: "Buenos días:\nRECHAZAR: no es nuestro", verb: Reject, arg: "no es nuestro"},
		{text: "Hello team!\n\n\nconfirmed", verb: Confirm},
		{text: "Estimado equipo,\nReabro: vuelve a fallar", verb: Reopen, arg: "vuelve a fallar"},
		{text: "OK, aceptado", verb: Accept},
		{text: "Vale. RESUELTO", verb: Resolve},
		{text: "Hola, ACEPTO", verb: Accept},
		{text: "Sí, confirmo", verb: Confirm},
		// Looks like a command and is not one: ask.
		{text: "accept looks valid", out: ask, ask: Accept},
		{text: "Confirmo que sigue fallando", out: ask, ask: Confirm},
		{text: "Aceptado por mi parte", out: ask, ask: Accept},
		{text: "Accepted the risk already", out: ask, ask: Accept},
		{text: "ACEPTRA", out: ask, ask: Accept},
		{text: "Resulto: ya está", out: ask, ask: Resolve},
		{text: "RECHZAR: duplicada", out: ask, ask: Reject},
		{text: "CONFIMRO", out: ask, ask: Confirm},
		{text: "Hola,\nREABIR: sigue igual", out: ask, ask: Reopen},
		{text: "CERRAR: ya está", out: ask},
		{text: "DUPLICATE: INC-4", out: ask},
		{text: "CLOSE", out: comment},
		// Comments.
		{text: "Aceptar/rechazar según veas", out: comment},
		{text: "Info2 is the server name", out: comment},
		{text: "Thanks, I will accept it later", out: comment},
		{text: "Mixed results with the new build", out: comment},
		{text: "FYI: the logs are attached", out: comment},
		{text: "Hola,\n\nno sé si es lo mismo, pero a mí también me pasa", out: comment},
		{text: "Gracias por la respuesta, lo pruebo mañana", out: comment},
		{text: "The payroll run failed again at 9:00", out: comment},
		{text: "Sigue sin funcionar.", out: comment},
		{text: "Hi,\nI still see the error", out: comment},
		{text: "", out: comment},
	}
	if len(cases) < 60 {
		t.Fatalf("%d cases: the table is meant to hold at least 60 first lines", len(cases))
	}
	for _, c := range cases {
		cmd, found, err := ParseCommand(c.text)
		miss, asks := FindNearMiss(c.text)
		switch {
		case err != nil:
			t.Errorf("ParseCommand(%q): %v", c.text, err)
		case c.verb != "":
			if !found || cmd.Verb != c.verb || cmd.Argument != c.arg || asks {
				t.Errorf("ParseCommand(%q) = %+v %v (near miss %v), want %s %q", c.text, cmd, found, asks, c.verb, c.arg)
			}
		case found:
			t.Errorf("ParseCommand(%q) = %+v, want no command (%s)", c.text, cmd, c.out)
		case c.out == ask && (!asks || miss.Meant != c.ask):
			t.Errorf("FindNearMiss(%q) = %+v %v, want a near miss meaning %q", c.text, miss, asks, c.ask)
		case c.out == comment && asks:
			t.Errorf("FindNearMiss(%q) = %+v, want a plain comment", c.text, miss)
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
	for in, want := range map[string]Priority{
		"urgentísimo": PriorityCritical, "Muy urgente": PriorityCritical, "para ayer": PriorityCritical,
		"ASAP": PriorityCritical, "blocker": PriorityCritical, "muy alta": PriorityCritical,
		"Altísima": PriorityCritical, "very high": PriorityCritical, "importante": PriorityHigh,
		"muy baja": PriorityLow, "bajísima": PriorityLow, "no urgente": PriorityLow, "Urgente!": PriorityCritical,
	} {
		if got, ok := ParsePriority(in); !ok || got != want {
			t.Errorf("ParsePriority(%q) = %s %v, want %s", in, got, ok, want)
		}
	}
	if _, ok := ParsePriority("whenever"); ok {
		t.Error("an unknown priority must not be understood")
	}
}
