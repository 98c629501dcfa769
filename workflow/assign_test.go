package workflow

import (
	"errors"
	"slices"
	"testing"
	"time"
)

var twoResolvers = Roles{
	Domains:    []string{"example.com"},
	Evaluators: []string{"alice@example.com"},
	Resolvers:  []string{"bob@example.com", "dan@example.com"},
	Validators: []string{ReporterMember},
	Admins:     []string{"ops@example.com"},
}

func assigned(t *testing.T, inc Incident, input Input) Result {
	t.Helper()
	res, err := Transition(inc, input, twoResolvers)
	if err != nil {
		t.Fatalf("%s: %v", input.Command.Verb, err)
	}
	return res
}

func refusedWith(t *testing.T, inc Incident, input Input, reason RefusalReason) *Refusal {
	t.Helper()
	_, err := Transition(inc, input, twoResolvers)
	var r *Refusal
	if !errors.As(err, &r) || r.Reason != reason {
		t.Fatalf("%s by %s: got %v, want %s", input.Command.Verb, input.Actor, err, reason)
	}
	return r
}

func TestAcceptAssigns(t *testing.T) {
	accept := in("alice@example.com", Accept, "Assign: Dan@example.com")
	accept.Assign = "Dan@example.com"
	res := assigned(t, incident(Reported), accept)
	if res.Incident.Assignee != "dan@example.com" {
		t.Fatalf("assignee %q", res.Incident.Assignee)
	}
	if got := recipients(res)[NoticeAssigned]; !slices.Equal(got, []string{"dan@example.com"}) {
		t.Fatalf("assigned notice to %v, want the assignee alone", got)
	}
	if got := NextActors(res.Incident, twoResolvers); !slices.Equal(got, []string{"dan@example.com"}) {
		t.Fatalf("next actors %v", got)
	}
	if got := Available(res.Incident, "bob@example.com", twoResolvers); len(got) != 0 {
		t.Fatalf("bob may still %v", got)
	}
	s := Stale{Incident: res.Incident, Entered: t0}
	for _, n := range Remind(s, Deadlines{"": time.Hour}, twoResolvers, t0.Add(2*time.Hour)) {
		if n.Kind == NoticeReminder && !slices.Equal(n.To, []string{"dan@example.com"}) {
			t.Fatalf("reminder to %v", n.To)
		}
	}

	accept.Assign = "carol@example.com"
	r := refusedWith(t, incident(Reported), accept, NotAssignable)
	if r.Assignee != "carol@example.com" || !slices.Equal(r.WhoMay, []string{"bob@example.com", "dan@example.com"}) {
		t.Fatalf("refusal %+v", r)
	}
}

func TestAssignedIncidentIsTheAssignees(t *testing.T) {
	inc := incident(InResolution)
	inc.Assignee = "dan@example.com"
	r := refusedWith(t, inc, in("bob@example.com", Resolve, ""), Taken)
	if r.Assignee != "dan@example.com" || r.Error() != "resolve is for dan@example.com, who has the incident" {
		t.Fatalf("refusal %+v: %v", r, r)
	}
	refusedWith(t, inc, in("bob@example.com", RequestInfo, "which browser?"), Taken)
	refusedWith(t, inc, in("bob@example.com", Take, ""), Taken)
	refusedWith(t, inc, in("carol@example.com", Resolve, ""), NoRole)
	res := assigned(t, inc, in("dan@example.com", Resolve, ""))
	if res.Incident.State != Resolved {
		t.Fatalf("state %s", res.Incident.State)
	}
}

func TestTakeAndHandOver(t *testing.T) {
	res := assigned(t, incident(InResolution), in("bob@example.com", Take, ""))
	if res.Incident.Assignee != "bob@example.com" || res.Event.Kind != EventAssigned || len(res.Notices) != 0 {
		t.Fatalf("take: %+v", res)
	}
	hand := in("bob@example.com", "", "")
	hand.Assign = "dan@example.com"
	res = assigned(t, res.Incident, hand)
	if res.Incident.Assignee != "dan@example.com" || res.Event.Text != "assignee: bob@example.com → dan@example.com" {
		t.Fatalf("hand over: %+v", res)
	}
	if got := recipients(res)[NoticeAssigned]; !slices.Equal(got, []string{"dan@example.com"}) {
		t.Fatalf("assigned notice to %v", got)
	}
	hand.Assign = "nobody@example.com"
	hand.Actor = "dan@example.com"
	refusedWith(t, res.Incident, hand, NotAssignable)
	refusedWith(t, incident(Reported), in("bob@example.com", Take, ""), NotNow)
}
