package main

import (
	"slices"
	"strings"
	"testing"

	"incidentd/workflow"
	"incidentd/workflow/store"
)

// TestWatchersEndToEnd plays, through the demo servers, a report copied to
// a colleague (dave) and to an outsider: dave is told of each transition,
// in the incident's thread, with UNWATCH and no command of a role he does
// not play; not of a comment; not after UNWATCH; again after WATCH. The
// outsider is never written to.
func TestWatchersEndToEnd(t *testing.T) {
	// The incident's whole life takes seconds here: more mail about it
	// than the default limit of 30 an hour.
	w := startWorld(t, func(c *Config) { c.Security.MaxNoticesPerIncidentHour = 60 })
	c := w.client
	var root string
	dave := 0
	c.onReceive = func(user string, r *received) {
		if root == "" && user == "carol" {
			root = r.msg.References[0]
		}
		if user != "dave" {
			return
		}
		dave++
		if r.msg.Tag != 1 || len(r.msg.References) == 0 || r.msg.References[0] != root {
			t.Errorf("dave's mail %q is not in the incident's thread (%v, root %s)", r.msg.Subject, r.msg.References, root)
		}
		if strings.Contains(r.msg.Text, "RESUELTO") || strings.Contains(r.msg.Text, "ACEPTAR") {
			t.Errorf("dave is offered a role's command:\n%s", r.msg.Text)
		}
	}
	says := func(user string, phrases ...string) { t.Helper(); w.says(t, user, phrases...) }
	play := func(steps ...step) { t.Helper(); w.play(t, steps...) }

	play(step{user: "carol", subject: "La impresora no imprime", text: "Sistema: Impresión",
		cc: []string{"Dave <dave@example.com>", "erin@partner.example"}, expect: []string{"carol", "alice"}})
	play(step{user: "alice", text: "ACEPTAR", expect: []string{"carol", "bob", "alice", "dave"}})
	says("dave", "Sigues la incidencia INC-1", "alice@example.com la ha aceptado", "Estado: en resolución", "DEJAR", "dejas de seguirla")
	play(step{user: "bob", text: "INFO: ¿qué modelo?", expect: []string{"alice", "bob", "dave"}})
	says("dave", "ha pedido más información", "¿qué modelo?")
	play(step{user: "alice", text: "La HP de la segunda planta.", expect: []string{"bob", "alice", "dave"}})
	says("dave", "ha respondido a la pregunta", "La HP de la segunda planta.")
	play(step{user: "bob", text: "Prioridad: Alta", expect: []string{"carol", "bob", "dave"}})
	says("dave", "ha corregido sus datos", "Prioridad: Media → Alta")
	// A comment: not for watchers (watchers_get_comments is off).
	play(step{user: "carol", text: "Sigue sin imprimir.", expect: []string{"bob", "carol"}})
	play(step{user: "dave", text: "DEJAR", expect: []string{"dave"}})
	says("dave", "ya no la sigues")
	play(step{user: "bob", text: "RESUELTO: cambiado el tóner", expect: []string{"carol", "bob"}})
	play(step{user: "dave", text: "SEGUIR", expect: []string{"dave"}})
	says("dave", "ahora la sigues", "DEJAR")
	play(step{user: "carol", text: "REABRIR: sale en blanco", expect: []string{"bob", "carol", "dave"}})
	says("dave", "carol@example.com la ha reabierto", "sale en blanco")
	play(step{user: "bob", text: "RESUELTO", expect: []string{"carol", "bob", "dave"}},
		step{user: "carol", text: "CONFIRMAR", expect: []string{"alice", "bob", "carol", "dave"}})
	says("dave", "ha confirmado la solución y queda cerrada", "ya no cambiará")
	if dave != 9 {
		t.Errorf("dave received %d mails, want 9", dave)
	}

	inc, events, _ := w.incident(t, 1)
	if inc.State != workflow.Closed || !slices.Contains(kinds(events), workflow.EventUnwatched) || !slices.Contains(kinds(events), workflow.EventWatched) {
		t.Fatalf("INC-1 %s, history %v", inc.State, kinds(events))
	}
	err := w.d.store.View(t.Context(), func(tx *store.Tx) error {
		watchers, err := tx.Watchers(1)
		if err != nil {
			return err
		}
		if !slices.Equal(watchers, []string{"dave@example.com"}) {
			t.Errorf("watchers %v", watchers)
		}
		out, err := tx.Outbox("")
		for _, o := range out {
			if strings.Contains(o.Recipient, "partner.example") {
				t.Errorf("mail queued to the outsider: %s %s", o.Notice.Kind, o.Recipient)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestWatchersGetComments: with watchers_get_comments, a watcher hears of
// comments too.
func TestWatchersGetComments(t *testing.T) {
	w := startWorld(t, func(c *Config) { c.Workflow.WatchersGetComments = true })
	c := w.client
	steps := []step{
		{user: "carol", subject: "La impresora no imprime", cc: []string{"dave@example.com"}, expect: []string{"carol", "alice"}},
		{user: "carol", text: "Tampoco la de la tercera planta.", expect: []string{"alice", "carol", "dave"}},
	}
	if err := c.play(t.Context(), steps); err != nil {
		t.Fatal(err)
	}
	if got := c.last["dave"].msg.Text; !strings.Contains(got, "carol@example.com ha dejado un comentario") || !strings.Contains(got, "Tampoco la de la tercera planta.") {
		t.Errorf("dave's mail of the comment:\n%s", got)
	}
}
