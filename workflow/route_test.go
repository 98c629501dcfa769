package workflow

import (
	"slices"
	"testing"
)

var routed = Roles{
	Domains:    []string{"example.com"},
	Evaluators: []string{"alice@example.com"},
	Resolvers:  []string{"bob@example.com"},
	Validators: []string{ReporterMember},
	Admins:     []string{"ops@example.com"},
	Routes: []Route{{
		Name:  "payroll",
		Match: map[string][]string{"system": {"Nóminas", "Payroll"}, "type": {"error"}},
		Lists: map[Role][]string{Evaluator: {"pay-lead@example.com"}, Resolver: {"pay-dev1@example.com", "pay-dev2@example.com"}},
	}, {
		Name:  "never reached",
		Match: map[string][]string{"system": {"payroll"}},
		Lists: map[Role][]string{Evaluator: {"nobody@example.com"}},
	}},
}

func payroll(state State) Incident {
	inc := incident(state)
	inc.Type, inc.System = TypeError, "NOMINAS"
	return inc
}

func TestRouteFor(t *testing.T) {
	inc := payroll(Reported)
	if got := routed.RouteName(inc); got != "payroll" {
		t.Fatalf("route %q", got)
	}
	if got := routed.Members(Evaluator, inc); !slices.Equal(got, []string{"pay-lead@example.com"}) {
		t.Fatalf("evaluators %v", got)
	}
	if got := routed.Members(Validator, inc); !slices.Equal(got, []string{"carol@example.com"}) {
		t.Fatalf("validators %v: a role the route leaves out keeps the [workflow] list", got)
	}
	inc.Type = TypeFeature // all given keys must match
	if got := routed.RouteName(inc); got != NoRoute {
		t.Fatalf("route %q", got)
	}
	if got := routed.Members(Evaluator, inc); !slices.Equal(got, []string{"alice@example.com"}) {
		t.Fatalf("evaluators %v", got)
	}
}

func TestReportIsRouted(t *testing.T) {
	res := Report(payroll(Reported), Input{Actor: "carol@example.com", At: t0}, nil, routed)
	if got := recipients(res)[NoticeNew]; !slices.Equal(got, []string{"pay-lead@example.com"}) {
		t.Fatalf("new incident to %v", got)
	}
	if _, err := Transition(res.Incident, in("alice@example.com", Accept, ""), routed); err == nil {
		t.Fatal("the [workflow] evaluator accepted a payroll incident")
	}
}

func TestCorrectionMovesRoute(t *testing.T) {
	inc := payroll(Reported)
	fix := Input{Actor: "carol@example.com", Text: "Sistema: Intranet", At: t0, Corrections: []Correction{{Field: FieldSystem, Value: "Intranet"}}}
	res, err := Transition(inc, fix, routed)
	if err != nil {
		t.Fatal(err)
	}
	got := recipients(res)
	if !slices.Equal(got[NoticeComment], []string{"pay-lead@example.com"}) || !slices.Equal(got[NoticeNew], []string{"alice@example.com"}) {
		t.Fatalf("recipients %v: the old evaluator hears of the move, the new one is asked to evaluate", got)
	}
	if want := "system: NOMINAS → Intranet\nroute: payroll → general\n\nSistema: Intranet"; res.Event.Text != want {
		t.Fatalf("history %q, want %q", res.Event.Text, want)
	}

	// In resolution, an assignee who is no resolver of the new route
	// loses the incident, and its resolvers are asked to resolve it.
	inc = incident(InResolution)
	inc.Assignee = "bob@example.com"
	fix = Input{Actor: "alice@example.com", Text: "System: Payroll", At: t0, Corrections: []Correction{{Field: FieldType, Value: string(TypeError)}, {Field: FieldSystem, Value: "Payroll"}}}
	res, err = Transition(inc, fix, routed)
	if err != nil {
		t.Fatal(err)
	}
	if res.Incident.Assignee != "" {
		t.Fatalf("assignee %q kept", res.Incident.Assignee)
	}
	got = recipients(res)
	if !slices.Equal(got[NoticeAssigned], []string{"pay-dev1@example.com", "pay-dev2@example.com"}) ||
		!slices.Equal(got[NoticeComment], []string{"carol@example.com", "bob@example.com"}) {
		t.Fatalf("recipients %v", got)
	}
}

// A route matches on the organization's own fields as on the built-in
// ones.
func TestRouteMatchesOwnField(t *testing.T) {
	rt := Route{Name: "prod", Match: map[string][]string{"environment": {"production"}, FieldType: {string(TypeError)}}}
	inc := Incident{Fields: Fields{Type: TypeError, Values: map[string]string{"environment": "production"}}}
	if !rt.Matches(inc) {
		t.Error("an incident of the route's environment and type does not match it")
	}
	inc.Values["environment"] = "testing"
	if rt.Matches(inc) {
		t.Error("an incident of another environment matches")
	}
}

func TestByRoute(t *testing.T) {
	pay, web := payroll(Reported), incident(Reported)
	pay.ID, web.ID = 1, 2
	evs := []Event{{IncidentID: 1, At: t0, Kind: EventReported, To: Reported}, {IncidentID: 2, At: t0, Kind: EventReported, To: Reported}}
	p := Period{To: t0.Add(1)}
	got := Measure([]Incident{pay, web}, evs, p, nil, Form{}, routed).ByRoute
	if len(got) != 2 || got[0].Key != "payroll" || got[0].Reported != 1 || got[1].Key != NoRoute || got[1].Reported != 1 {
		t.Fatalf("by route %+v", got)
	}
	if got := Measure([]Incident{pay}, evs, p, nil, Form{}, roles).ByRoute; got != nil {
		t.Fatalf("by route without routes: %+v", got)
	}
}
