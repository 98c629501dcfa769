package workflow

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

var (
	t0    = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	roles = Roles{
		Domains:    []string{"example.com"},
		Evaluators: []string{"alice@example.com"},
		Resolvers:  []string{"bob@example.com"},
		Validators: []string{ReporterMember},
		Admins:     []string{"ops@example.com"},
	}
)

func incident(state State) Incident {
	return Incident{ID: 7, Title: "Login fails", Reporter: "carol@example.com", State: state, AcceptedBy: "alice@example.com"}
}

func in(actor string, verb Verb, arg string) Input {
	return Input{Actor: actor, Command: Command{Verb: verb, Argument: arg}, Text: arg, MessageID: "m1@example.com", At: t0}
}

// recipients maps each notice kind of res to its recipients.
func recipients(res Result) map[NoticeKind][]string {
	out := map[NoticeKind][]string{}
	for _, n := range res.Notices {
		out[n.Kind] = n.To
	}
	return out
}

func TestReport(t *testing.T) {
	inc := Incident{ID: 1, Title: "Crash", Reporter: "carol@example.com"}
	res := Report(inc, Input{Actor: "carol@example.com", At: t0, MessageID: "r@x"},
		[]Assumption{{Field: "priority", Used: "medium"}}, roles)
	if res.Incident.State != Reported || res.Event.Kind != EventReported || res.Event.To != Reported {
		t.Fatalf("got %+v", res)
	}
	got := recipients(res)
	if !slices.Equal(got[NoticeAck], []string{"carol@example.com"}) || !slices.Equal(got[NoticeNew], []string{"alice@example.com"}) {
		t.Fatalf("recipients %v", got)
	}
	if len(res.Notices[0].Assumed) != 1 || !res.Notices[1].Attach {
		t.Fatalf("ack must carry assumptions and the evaluators' notice the attachments: %+v", res.Notices)
	}
}

// TestAllowedTransitions plays every row of the SPEC §2 table.
func TestAllowedTransitions(t *testing.T) {
	cases := []struct {
		name  string
		from  State
		input Input
		to    State
		event EventKind
		who   map[NoticeKind][]string
	}{
		{"accept", Reported, in("alice@example.com", Accept, "looks real"), InResolution, EventAccepted,
			map[NoticeKind][]string{NoticeAccepted: {"carol@example.com"}, NoticeAssigned: {"bob@example.com"}}},
		{"evaluator rejects", Reported, in("alice@example.com", Reject, "duplicate of INC-3"), Rejected, EventRejected,
			map[NoticeKind][]string{NoticeRejected: {"carol@example.com"}}},
		{"resolve", InResolution, in("bob@example.com", Resolve, "patched"), Resolved, EventResolved,
			map[NoticeKind][]string{NoticeResolved: {"carol@example.com"}}},
		{"resolve without text", InResolution, in("bob@example.com", Resolve, ""), Resolved, EventResolved,
			map[NoticeKind][]string{NoticeResolved: {"carol@example.com"}}},
		{"ask for info", InResolution, in("bob@example.com", RequestInfo, "which browser?"), InfoRequested, EventInfoRequested,
			map[NoticeKind][]string{NoticeInfoRequest: {"alice@example.com"}}},
		{"resolver rejects", InResolution, in("bob@example.com", Reject, "works as designed"), Rejected, EventRejected,
			map[NoticeKind][]string{NoticeRejected: {"carol@example.com", "alice@example.com"}}},
		{"answer", InfoRequested, Input{Actor: "alice@example.com", Text: "Firefox 140", At: t0}, InResolution, EventInfoAnswered,
			map[NoticeKind][]string{NoticeInfoAnswer: {"bob@example.com"}}},
		{"confirm", Resolved, in("carol@example.com", Confirm, ""), Closed, EventConfirmed,
			map[NoticeKind][]string{NoticeClosed: {"alice@example.com", "bob@example.com"}}},
		{"reopen", Resolved, in("carol@example.com", Reopen, "still fails"), InResolution, EventReopened,
			map[NoticeKind][]string{NoticeReopened: {"bob@example.com"}}},
		{"comment", InResolution, Input{Actor: "carol@example.com", Text: "it also happens on mobile", At: t0}, InResolution, EventComment,
			map[NoticeKind][]string{NoticeComment: {"bob@example.com"}}},
		{"comment on a closed incident", Closed, Input{Actor: "carol@example.com", Text: "thanks!", At: t0}, Closed, EventComment,
			map[NoticeKind][]string{NoticeComment: {"alice@example.com", "bob@example.com"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := incident(c.from)
			res, err := Transition(before, c.input, roles)
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			if res.Incident.State != c.to || res.Event.Kind != c.event || res.Event.From != c.from || res.Event.To != c.to {
				t.Fatalf("state %s event %+v, want %s %s", res.Incident.State, res.Event, c.to, c.event)
			}
			if res.Event.Actor != c.input.Actor || !res.Event.At.Equal(t0) || res.Event.IncidentID != 7 {
				t.Fatalf("event %+v does not say who and when", res.Event)
			}
			got := recipients(res)
			if len(got) != len(c.who) {
				t.Fatalf("notices %v, want %v", got, c.who)
			}
			for kind, want := range c.who {
				if !slices.Equal(got[kind], want) {
					t.Errorf("%s to %v, want %v", kind, got[kind], want)
				}
			}
			for _, n := range res.Notices {
				if n.Incident.State != c.to || n.Actor != c.input.Actor {
					t.Errorf("notice %s carries a stale snapshot: %+v", n.Kind, n.Incident)
				}
			}
		})
	}
}

func TestAcceptRecordsEvaluator(t *testing.T) {
	inc := incident(Reported)
	inc.AcceptedBy = ""
	res, err := Transition(inc, in("alice@example.com", Accept, ""), roles)
	if err != nil || res.Incident.AcceptedBy != "alice@example.com" {
		t.Fatalf("accepted by %q, err %v", res.Incident.AcceptedBy, err)
	}
}

// TestForbiddenTransitions tries every verb in every state where it does
// not fit, and every fitting verb from someone without the role.
func TestForbiddenTransitions(t *testing.T) {
	verbs := []Verb{Accept, Reject, Resolve, RequestInfo, Confirm, Reopen}
	actor := map[Role]string{Evaluator: "alice@example.com", Resolver: "bob@example.com", Validator: "carol@example.com"}
	for _, state := range States {
		for _, v := range verbs {
			st, fits := table[state][v]
			if !fits {
				_, err := Transition(incident(state), in("ops@example.com", v, "text"), roles)
				var r *Refusal
				if !errors.As(err, &r) || r.Reason != NotNow || r.State != state {
					t.Errorf("%s in %s: err %v, want not_now", v, state, err)
				}
				continue
			}
			for role, who := range actor {
				if role == st.role {
					continue
				}
				_, err := Transition(incident(state), in(who, v, "text"), roles)
				var r *Refusal
				if !errors.As(err, &r) || r.Reason != NoRole || r.Role != st.role || len(r.WhoMay) == 0 {
					t.Errorf("%s in %s by %s: err %v, want no_role", v, state, who, err)
				}
			}
		}
	}
}

func TestReasonRequired(t *testing.T) {
	for _, c := range []struct {
		state State
		actor string
		verb  Verb
	}{
		{Reported, "alice@example.com", Reject},
		{InResolution, "bob@example.com", Reject},
		{InResolution, "bob@example.com", RequestInfo},
		{Resolved, "carol@example.com", Reopen},
	} {
		_, err := Transition(incident(c.state), in(c.actor, c.verb, "  "), roles)
		var r *Refusal
		if !errors.As(err, &r) || r.Reason != ReasonRequired {
			t.Errorf("%s without text in %s: %v", c.verb, c.state, err)
		}
	}
}

func TestEmptyRoleMeansDomain(t *testing.T) {
	open := roles
	open.Evaluators = nil
	if _, err := Transition(incident(Reported), in("dave@example.com", Accept, ""), open); err != nil {
		t.Fatalf("anyone in the domain may evaluate: %v", err)
	}
	_, err := Transition(incident(Reported), in("eve@elsewhere.org", Accept, ""), open)
	var r *Refusal
	if !errors.As(err, &r) || r.Reason != NoRole || !slices.Equal(r.WhoMay, []string{"*@example.com"}) {
		t.Fatalf("outsider: %v", err)
	}
	res := Report(Incident{ID: 2, Reporter: "carol@example.com"}, Input{Actor: "carol@example.com", At: t0}, nil, open)
	if got := recipients(res)[NoticeNew]; !slices.Equal(got, []string{"ops@example.com"}) {
		t.Fatalf("with no evaluators listed the admins are told, got %v", got)
	}
}

func TestAnswerOnlyFromTheAskedEvaluator(t *testing.T) {
	res, err := Transition(incident(InfoRequested), Input{Actor: "bob@example.com", Text: "any news?", At: t0}, roles)
	if err != nil || res.Event.Kind != EventComment || res.Incident.State != InfoRequested {
		t.Fatalf("a resolver's reply while waiting is a comment: %+v %v", res.Event, err)
	}
}

func TestCorrections(t *testing.T) {
	fix := Input{Actor: "carol@example.com", Text: "Prioridad: Alta\nSistema: Nóminas", At: t0,
		Corrections: []Correction{{Field: FieldPriority, Value: string(PriorityHigh)}, {Field: FieldSystem, Value: "Nóminas"}}}
	inc := incident(Reported)
	inc.Priority = PriorityMedium
	res, err := Transition(inc, fix, roles)
	if err != nil || res.Event.Kind != EventUpdated || res.Incident.Priority != PriorityHigh || res.Incident.System != "Nóminas" {
		t.Fatalf("the reporter's correction: %+v %v", res, err)
	}
	if !strings.HasPrefix(res.Event.Text, "priority: medium → high\nsystem: — → Nóminas") {
		t.Fatalf("history must say what changed: %q", res.Event.Text)
	}
	if got := recipients(res)[NoticeComment]; !slices.Equal(got, []string{"alice@example.com"}) {
		t.Fatalf("evaluators must hear of it: %v", got)
	}
	want := []Change{{Field: "priority", From: "medium", To: "high"}, {Field: "system", To: "Nóminas"}}
	if n := res.Notices[0]; !slices.Equal(n.Changes, want) || n.Text != fix.Text {
		t.Fatalf("the notice carries the changes apart from the text, to word them in its language: %+v %q", n.Changes, n.Text)
	}
	fix.Actor = "bob@example.com"
	if res, _ := Transition(incident(InResolution), fix, roles); res.Event.Kind != EventUpdated || res.Incident.Priority != PriorityHigh {
		t.Fatalf("a resolver corrects an incident in resolution: %+v", res.Event)
	}
	fix.Actor = "carol@example.com"
	if res, _ := Transition(incident(InResolution), fix, roles); res.Event.Kind != EventComment {
		t.Fatalf("the reporter corrects only what waits to be evaluated: %+v", res.Event)
	}
	fix.Actor = "alice@example.com"
	if res, _ := Transition(incident(Closed), fix, roles); res.Event.Kind != EventComment {
		t.Fatalf("a closed incident is not corrected: %+v", res.Event)
	}
}

// TestResolveWithoutValidation: with validation = "none", RESUELTO closes
// the incident; the reporter, the evaluator who accepted it and the other
// resolvers get the resolved notice of a closed incident, and nobody is
// left to act.
func TestResolveWithoutValidation(t *testing.T) {
	r := roles
	r.NoValidation = true
	r.Resolvers = []string{"bob@example.com", "dan@example.com"}
	res, err := Transition(incident(InResolution), in("bob@example.com", Resolve, "patched"), r)
	if err != nil {
		t.Fatal(err)
	}
	if res.Incident.State != Closed || res.Event.Kind != EventResolved || res.Event.From != InResolution || res.Event.To != Closed {
		t.Fatalf("incident %s, event %+v", res.Incident.State, res.Event)
	}
	want := []string{"carol@example.com", "alice@example.com", "dan@example.com"}
	if got := recipients(res); len(got) != 1 || !slices.Equal(got[NoticeResolved], want) {
		t.Errorf("notices %v, want the resolved notice to %v", got, want)
	}
	if next := NextActors(res.Incident, r); next != nil {
		t.Errorf("after a resolution without validation %v must act", next)
	}
	if rc := ReceiptFor(res, r); rc.Receipt.Event != EventResolved || rc.Receipt.Next != nil {
		t.Errorf("receipt %+v", rc.Receipt)
	}
}

// TestCorrectionUnderCommand: the fields a command's mail corrects change
// with it, recorded apart, and travel in its notices; the command's text
// is the evaluation.
func TestCorrectionUnderCommand(t *testing.T) {
	in := Input{Actor: "alice@example.com", Command: Command{Verb: Accept, Argument: "Es grave: afecta a todos"},
		Corrections: []Correction{{Field: FieldPriority, Value: string(PriorityCritical)}, {Field: "environment", Value: "production"}}, At: t0}
	inc := incident(Reported)
	inc.Priority = PriorityMedium
	res, err := Transition(inc, in, roles)
	if err != nil {
		t.Fatal(err)
	}
	if res.Incident.Priority != PriorityCritical || res.Incident.Values["environment"] != "production" || res.Incident.State != InResolution {
		t.Fatalf("incident %+v", res.Incident)
	}
	if res.Incident.Evaluation != "Es grave: afecta a todos" {
		t.Errorf("evaluation %q", res.Incident.Evaluation)
	}
	if ev := res.Corrected; ev == nil || ev.Kind != EventUpdated || ev.Text != "priority: medium → critical\nenvironment: — → production" {
		t.Fatalf("corrected event %+v", ev)
	}
	for _, n := range res.Notices {
		if len(n.Changes) != 2 {
			t.Errorf("%s notice without the changes: %+v", n.Kind, n.Changes)
		}
	}
	rej, err := Transition(incident(Reported), Input{Actor: "alice@example.com", Command: Command{Verb: Reject, Argument: "duplicada de INC-3"}, At: t0}, roles)
	if err != nil || rej.Incident.Evaluation != "duplicada de INC-3" || rej.Corrected != nil {
		t.Fatalf("rejection's evaluation: %+v %v", rej.Incident, err)
	}
}
