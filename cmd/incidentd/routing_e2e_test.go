package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"incidentd/workflow"
	"incidentd/workflow/store"
)

// TestRoutingAndAssignmentEndToEnd plays, through the demo servers, a
// payroll incident: it goes only to the payroll evaluator (paula); a
// correction of its system moves it to the [workflow] lists, and both
// paula and alice are told; alice names a resolver who is none, then
// dave; bob, a resolver who follows the incident, is refused RESOLVED
// with dave's name; dave resolves it.
func TestRoutingAndAssignmentEndToEnd(t *testing.T) {
	w := startWorldWith(t, []string{"paula", "pedro"}, func(c *Config) {
		c.Security.MaxNoticesPerIncidentHour = 60
		c.Workflow.Resolvers = []string{demoAddr("bob"), demoAddr("dave")}
		c.Routes = []RouteConfig{{Name: "nóminas", Match: map[string][]string{"system": {"Nóminas", "Payroll"}},
			Evaluators: []string{demoAddr("paula")}, Resolvers: []string{demoAddr("pedro")}}}
	})
	c := w.client
	got := map[string]int{}
	c.onReceive = func(user string, _ *received) { got[user]++ }
	says := func(user string, phrases ...string) { t.Helper(); w.says(t, user, phrases...) }
	play := func(steps ...step) { t.Helper(); w.play(t, steps...) }

	play(step{user: "carol", subject: "La nómina de marzo sale a cero", text: "Sistema: Nóminas",
		cc: []string{demoAddr("bob")}, expect: []string{"carol", "paula"}})
	says("paula", "nueva incidencia", "ACEPTAR")
	if got["alice"] != 0 {
		t.Fatalf("alice was told of a payroll incident")
	}
	play(step{user: "carol", text: "Sistema: Intranet", expect: []string{"carol", "paula", "alice", "bob"}})
	says("paula", "Sistema: Nóminas → Intranet", "Ruta: nóminas → general")
	says("alice", "ACEPTAR")

	play(step{user: "alice", text: "ACEPTAR\nAsignar: carol@example.com", expect: []string{"alice"}})
	says("alice", "«carol@example.com» no es uno de los resolutores", "No ha cambiado nada", "  - bob@example.com\n  - dave@example.com")
	play(step{user: "alice", text: "ACEPTAR\nAsignar: Dave <dave@example.com>", expect: []string{"carol", "dave", "alice", "bob"}})
	says("dave", "te toca resolverla", "RESUELTO")
	says("bob", "la ha aceptado")
	if strings.Contains(c.last["bob"].msg.Text, "RESUELTO") {
		t.Errorf("bob is offered RESUELTO on dave's incident:\n%s", c.last["bob"].msg.Text)
	}

	play(step{user: "bob", text: "RESUELTO: era la caché", expect: []string{"bob"}})
	if s := c.last["bob"].msg.Subject; !strings.Contains(s, "RESUELTO no se ha aplicado") {
		t.Errorf("bob's refusal: %q", s)
	}
	says("bob", "está asignada a dave@example.com", "solo esa persona puede usar RESUELTO")
	play(step{user: "dave", text: "RESUELTO: era la caché", expect: []string{"carol", "dave", "bob"}})

	inc, events, _ := w.incident(t, 1)
	if inc.State != workflow.Resolved || inc.Assignee != "dave@example.com" || inc.System != "Intranet" {
		t.Fatalf("INC-1 %+v", inc)
	}
	if !strings.Contains(events[1].Text, "route: nóminas → general") {
		t.Errorf("the history does not record the move: %q", events[1].Text)
	}
	var out bytes.Buffer
	printIncident(&out, inc, w.d.cfg.form(), w.d.cfg.roles().RouteName(inc), nil, events)
	for _, want := range []string{"assignee:     dave@example.com", "route:        general"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("show lacks %q:\n%s", want, out.String())
		}
	}
	err := w.d.store.View(t.Context(), func(tx *store.Tx) error {
		m, err := tx.Metrics(workflow.Period{To: time.Now().Add(time.Hour)}, nil, w.d.cfg.form(), w.d.cfg.roles())
		if len(m.ByRoute) != 1 || m.ByRoute[0].Key != workflow.NoRoute || m.ByRoute[0].Resolved != 1 {
			t.Errorf("stats by route %+v", m.ByRoute)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got["pedro"] != 0 {
		t.Errorf("pedro, a payroll resolver, got %d mails about an incident no longer payroll's", got["pedro"])
	}
}
