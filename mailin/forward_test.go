package mailin

import (
	"strings"
	"testing"

	"incidentd/workflow"
)

// TestForwardToIncident: a forward that names an incident (its tag, or a
// thread) is a comment on it carrying the forwarded mail: its sender,
// date, subject and text. A keyword in the forwarded mail commands
// nothing.
func TestForwardToIncident(t *testing.T) {
	p := newProcessor(t)
	p.CommandAuth = AuthSender
	p.handleAll(t,
		mailText("carol@example.com", "Payment fails", "r1@example.com", "", "Priority: High\nCard payments fail."),
		mailText("bob@example.com", "Fwd: [INC-1] Payment fails", "f1@example.com", "",
			"The customer again.\n\n---------- Forwarded message ---------\nFrom: Jean Dupont <jean@example.fr>\n"+
				"Date: lun. 4 mai 2026 à 10:15\nSubject: Le paiement échoue\nTo: <support@example.com>\n\n"+
				"RESOLVED? No: the card payment still fails.\n"),
	)
	incs, events, _ := p.snapshot(t)
	if len(incs) != 1 || incs[0].State != workflow.Reported || len(events) != 2 {
		t.Fatalf("%d incidents (state %s), %d events: the forward must go to INC-1", len(incs), incs[0].State, len(events))
	}
	ev := events[1]
	if ev.Kind != workflow.EventComment || ev.Actor != "bob@example.com" {
		t.Fatalf("event %+v, want bob's comment", ev)
	}
	for _, want := range []string{"The customer again.", "jean@example.fr", "Jean Dupont", "2026-05-04 10:15 UTC",
		"Subject: Le paiement échoue", "the card payment still fails."} {
		if !strings.Contains(ev.Text, want) {
			t.Errorf("the comment %q lacks %q", ev.Text, want)
		}
	}
}
