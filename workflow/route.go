package workflow

import "slices"

// Routes give the incidents whose fields match them their own people: a
// payroll incident goes to the payroll evaluator, not to every evaluator.
// The first route an incident matches applies (Roles.RouteFor); its role
// lists replace those of Roles, role by role, and a role it leaves empty
// keeps Roles' list. Routing follows the incident's fields: it is decided
// when the incident is reported and again when a reply corrects a field a
// route matches on (reply tells the newly responsible people and records
// the move). Every query of Roles takes the incident it is about, so the
// route is resolved there (Roles.list) and Transition, Available,
// NextActors, reminders and the notices' commands all see the same people.

// NoRoute names, in the history, show and numbers by route, the
// [workflow] lists that apply to an incident no route matches; no route
// may take this name.
const NoRoute = "general"

// Route is one entry of the routing.
type Route struct {
	Name string
	// Match holds, per field name (Fields.Value), the values that
	// match; every field named must match one of its values, compared
	// regardless of case and accents. Type and priority values are the
	// stored ones ("error", "high"). An empty Match matches every
	// incident.
	Match map[string][]string
	// Lists are the route's people per role; a role without a list keeps
	// the one of Roles.
	Lists map[Role][]string
}

// Matches reports whether inc's fields match every field rt names.
func (rt Route) Matches(inc Incident) bool {
	for name, values := range rt.Match {
		v := inc.Value(name)
		if !slices.ContainsFunc(values, func(w string) bool { return Fold(w) == Fold(v) }) {
			return false
		}
	}
	return true
}

// RouteFor is the first route inc matches; false when none does and the
// lists of Roles apply.
func (r Roles) RouteFor(inc Incident) (Route, bool) {
	for _, rt := range r.Routes {
		if rt.Matches(inc) {
			return rt, true
		}
	}
	return Route{}, false
}

// RouteName names the route that applies to inc: its name, or NoRoute.
func (r Roles) RouteName(inc Incident) string {
	if rt, ok := r.RouteFor(inc); ok {
		return rt.Name
	}
	return NoRoute
}

// rerouted is what changes when a correction moves inc (as it was,
// before) to another route: the change of route, for the history and the
// notices, and, when its assignee is no resolver of the new route, the
// end of the assignment. It returns nothing when the route stays.
func rerouted(before Incident, inc *Incident, roles Roles) []Change {
	from, to := roles.RouteName(before), roles.RouteName(*inc)
	if from == to {
		return nil
	}
	changes := []Change{{Field: "route", From: from, To: to}}
	if a := inc.Assignee; a != "" && !roles.Has(Resolver, a, unassigned(*inc)) {
		changes = append(changes, Change{Field: "assignee", From: a})
		inc.Assignee = ""
	}
	return changes
}

// moved adds the notices of a correction that moved r's incident (as it
// was, before) to another route: whoever must act on it now and did not
// before is asked to, as if it had just reached the state it is in; n is
// the correction's notice to the others, which those who had to act
// before receive too, so that they know it left them.
func (r *Result) moved(before Incident, n Notice, roles Roles, actor string) {
	was, now := NextActors(before, roles), NextActors(r.Incident, roles)
	var newcomers []string
	for _, a := range now {
		if !slices.Contains(was, a) {
			newcomers = append(newcomers, a)
		}
	}
	n.To = slices.DeleteFunc(append(n.To, was...), func(a string) bool { return slices.Contains(newcomers, a) })
	r.notify(n, actor)
	act := Notice{To: newcomers, Attach: true, Changes: n.Changes}
	switch r.Incident.State {
	case Reported:
		act.Kind = NoticeNew
	case InResolution:
		act.Kind = NoticeAssigned
	case Resolved:
		act.Kind, act.Attach = NoticeResolved, false
	default:
		return
	}
	r.notify(act, actor)
}

// byRoute groups the figures of period p (as Measure computes them) by
// the route each incident now follows, in the order of the routes and
// NoRoute last; nil when no route is configured.
func byRoute(incidents []Incident, histories map[int64][]Event, p Period, cats []ReasonCategory, roles Roles) Groups {
	if len(roles.Routes) == 0 {
		return nil
	}
	keys := make([]string, 0, len(roles.Routes)+1)
	for _, rt := range roles.Routes {
		keys = append(keys, rt.Name)
	}
	return groupBy(incidents, histories, p, cats, append(keys, NoRoute), roles.RouteName)
}
