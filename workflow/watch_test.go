package workflow

import (
	"errors"
	"slices"
	"testing"
)

// watched is incident(state) followed by dave and, as a watcher too, by
// bob, the resolver.
func watched(state State) Incident {
	inc := incident(state)
	inc.Watchers = []string{"bob@example.com", "dave@example.com"}
	return inc
}

// TestReportCc: the colleagues copied on a report watch it; outsiders,
// the reporter and duplicates do not.
func TestReportCc(t *testing.T) {
	inc := Incident{ID: 1, Title: "Crash", Reporter: "carol@example.com"}
	cc := []string{"Dave@Example.com", "erin@partner.example", "carol@example.com", "dave@example.com", " ann@example.com", "bad"}
	res := Report(inc, Input{Actor: "carol@example.com", At: t0, Cc: cc}, nil, roles)
	if want := []string{"ann@example.com", "dave@example.com"}; !slices.Equal(res.Incident.Watchers, want) {
		t.Fatalf("watchers %v, want %v", res.Incident.Watchers, want)
	}
	if got := recipients(res); got[NoticeWatcher] != nil {
		t.Fatalf("a report tells the watchers nothing: %v", got)
	}
}

// TestWatchersTold: every transition tells the watchers in one short
// notice each, except a watcher whom a notice of the role reaches anyway
// and the actor; reminders are no transition.
func TestWatchersTold(t *testing.T) {
	cases := []struct {
		name  string
		from  State
		input Input
		want  []string // who gets the watcher's notice
	}{
		{"accept", Reported, in("alice@example.com", Accept, "ok"), []string{"dave@example.com"}}, // bob is assigned it
		{"reject", Reported, in("alice@example.com", Reject, "dup"), []string{"bob@example.com", "dave@example.com"}},
		{"resolve by a watcher", InResolution, in("bob@example.com", Resolve, "done"), []string{"dave@example.com"}},
		{"ask", InResolution, in("bob@example.com", RequestInfo, "which?"), []string{"dave@example.com"}},
		{"answer", InfoRequested, Input{Actor: "alice@example.com", Text: "Firefox", At: t0}, []string{"dave@example.com"}},
		{"confirm", Resolved, in("carol@example.com", Confirm, ""), []string{"dave@example.com"}},
		{"reopen", Resolved, in("carol@example.com", Reopen, "still"), []string{"dave@example.com"}},
		{"correct", Reported, Input{Actor: "carol@example.com", Text: "Prioridad: Alta", At: t0, Corrections: []Correction{{Field: FieldPriority, Value: string(PriorityHigh)}}},
			[]string{"bob@example.com", "dave@example.com"}},
		{"comment", Reported, Input{Actor: "carol@example.com", Text: "more", At: t0}, nil},
	}
	for _, tc := range cases {
		res, err := Transition(watched(tc.from), tc.input, roles)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got := recipients(res)[NoticeWatcher]
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: watchers told %v, want %v", tc.name, got, tc.want)
		}
		for _, n := range res.Notices {
			if n.Kind == NoticeWatcher && (n.Event != res.Event.Kind || n.Actor != tc.input.Actor || n.Text != res.Notices[0].Text) {
				t.Errorf("%s: watcher's notice %+v", tc.name, n)
			}
		}
	}
}

// TestWatchersGetComments: with the option, comments reach the watchers,
// except on a final incident.
func TestWatchersGetComments(t *testing.T) {
	r := roles
	r.WatchersGetComments = true
	c := Input{Actor: "carol@example.com", Text: "more", At: t0}
	res, _ := Transition(watched(Reported), c, r)
	if got := recipients(res)[NoticeWatcher]; !slices.Equal(got, []string{"bob@example.com", "dave@example.com"}) {
		t.Errorf("comment told %v", got)
	}
	res = Comment(watched(InResolution), c, r)
	if got := recipients(res)[NoticeWatcher]; !slices.Equal(got, []string{"dave@example.com"}) {
		t.Errorf("unauthenticated comment told %v", got)
	}
	res, _ = Transition(watched(Closed), c, r)
	if got := recipients(res)[NoticeWatcher]; got != nil {
		t.Errorf("comment on a closed incident told %v", got)
	}
}

// TestWatch: WATCH and UNWATCH change no state and tell no one; they fit
// every state but the final ones, to anyone in the domains.
func TestWatch(t *testing.T) {
	res, err := Transition(watched(InfoRequested), in("Ann@example.com", Watch, ""), roles)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"ann@example.com", "bob@example.com", "dave@example.com"}
	if !slices.Equal(res.Incident.Watchers, want) || res.Incident.State != InfoRequested ||
		res.Event.Kind != EventWatched || res.Event.From != res.Event.To || len(res.Notices) != 0 {
		t.Fatalf("watch: %+v", res)
	}
	again, _ := Transition(res.Incident, in("ann@example.com", Watch, ""), roles)
	if !slices.Equal(again.Incident.Watchers, want) {
		t.Errorf("watching twice: %v", again.Incident.Watchers)
	}
	res, err = Transition(res.Incident, in("dave@example.com", Unwatch, ""), roles)
	if err != nil || !slices.Equal(res.Incident.Watchers, []string{"ann@example.com", "bob@example.com"}) || res.Event.Kind != EventUnwatched {
		t.Fatalf("unwatch: %v %+v", err, res)
	}
	var refusal *Refusal
	for _, s := range []State{Rejected, Closed} {
		_, err := Transition(watched(s), in("ann@example.com", Watch, ""), roles)
		if !errors.As(err, &refusal) || refusal.Reason != NotNow {
			t.Errorf("watch a %s incident: %v", s, err)
		}
	}
	_, err = Transition(watched(Reported), in("erin@partner.example", Watch, ""), roles)
	if !errors.As(err, &refusal) || refusal.Reason != NoRole || !slices.Equal(refusal.WhoMay, []string{"*@example.com"}) {
		t.Errorf("an outsider watches: %v", err)
	}
	if err.Error() != "watch needs an address of the organization" {
		t.Errorf("refusal reads %q", err)
	}
}

// TestCommandsFor: a watcher's notice and receipt offer UNWATCH after the
// commands of the recipient's roles; other notices do not.
func TestCommandsFor(t *testing.T) {
	inc := watched(InResolution)
	for _, tc := range []struct {
		kind NoticeKind
		to   string
		want []Verb
	}{
		{NoticeWatcher, "dave@example.com", []Verb{Unwatch}},
		{NoticeWatcher, "bob@example.com", []Verb{Resolve, RequestInfo, Reject, Unwatch}},
		{NoticeReceipt, "Dave@example.com", []Verb{Unwatch}},
		{NoticeAssigned, "bob@example.com", []Verb{Resolve, RequestInfo, Reject}},
		{NoticeReceipt, "ann@example.com", nil},
	} {
		if got := CommandsFor(Notice{Kind: tc.kind, Incident: inc}, tc.to, roles); !slices.Equal(got, tc.want) {
			t.Errorf("%s to %s: %v, want %v", tc.kind, tc.to, got, tc.want)
		}
	}
	closed := Notice{Kind: NoticeWatcher, Incident: watched(Closed)}
	if got := CommandsFor(closed, "dave@example.com", roles); got != nil {
		t.Errorf("a closed incident offers %v", got)
	}
}

// TestWatchKeywords: the keywords of WATCH and UNWATCH, and the sentences
// that must stay comments.
func TestWatchKeywords(t *testing.T) {
	for text, want := range map[string]Verb{"SEGUIR": Watch, "Watch": Watch, "seguirla.": Watch, "Subscribe": Watch,
		"DEJAR": Unwatch, "unwatch": Unwatch, "Unsubscribe": Unwatch, "DEJAR DE SEGUIR": Unwatch} {
		cmd, found, err := ParseCommand(text)
		if !found || err != nil || cmd.Verb != want {
			t.Errorf("%q: %v %v %v, want %s", text, cmd, found, err, want)
		}
	}
	for _, text := range []string{"Sigo sin poder entrar", "Dejo adjunto el log", "Follow-up: the logs"} {
		if cmd, found, _ := ParseCommand(text); found {
			t.Errorf("%q read as %s", text, cmd.Verb)
		}
	}
}
