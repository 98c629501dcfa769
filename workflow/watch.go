package workflow

import (
	"slices"
	"strings"
)

// Watchers of an incident follow it whatever their roles: the colleagues
// copied on its report and whoever writes WATCH (SEGUIR) in a reply to one
// of its notices. Each is told of every transition by a NoticeWatcher
// (of comments too with Roles.WatchersGetComments), unless another notice
// of the same transition goes to them already. Only addresses in the
// organization's domains watch, and only while the incident is not final:
// a final incident has no transition left to tell of.

// copied are the addresses of cc that may watch inc from its report: those
// in the organization's domains, but its reporter, lower case, in address
// order, without duplicates.
func copied(inc Incident, cc []string, roles Roles) []string {
	var out []string
	for _, a := range cc {
		a = strings.ToLower(strings.TrimSpace(a))
		if roles.InDomains(a) && a != strings.ToLower(inc.Reporter) {
			out = append(out, a)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// follow applies WATCH or UNWATCH: it changes no state, records who
// started or stopped following inc, and notifies no one (the sender gets
// a receipt like any act). Both fit every state but the final ones, to
// anyone in the organization's domains.
func follow(inc Incident, in Input, roles Roles) (Result, error) {
	verb := in.Command.Verb
	if inc.State.Final() {
		return Result{}, &Refusal{Reason: NotNow, Verb: verb, State: inc.State}
	}
	if !roles.InDomains(in.Actor) {
		return Result{}, &Refusal{Reason: NoRole, Verb: verb, State: inc.State, WhoMay: roles.Describe("", inc)}
	}
	actor := strings.ToLower(in.Actor)
	watchers := slices.DeleteFunc(slices.Clone(inc.Watchers), func(w string) bool { return w == actor })
	kind := EventUnwatched
	if verb == Watch {
		kind = EventWatched
		watchers = append(watchers, actor)
		slices.Sort(watchers)
	}
	inc.Watchers = watchers
	res := Result{Incident: inc, Event: event(inc, in, kind, inc.State, inc.State)}
	res.Event.Text = strings.TrimSpace(in.Command.Argument)
	return res, nil
}

// tellWatchers adds the notice that tells the watchers of r's incident
// what happened, to those whom no other notice of r reaches; n holds what
// was said (Text, Changes).
func (r *Result) tellWatchers(n Notice) {
	told := []string{strings.ToLower(r.Event.Actor)}
	for _, o := range r.Notices {
		told = append(told, o.To...)
	}
	var to []string
	for _, w := range r.Incident.Watchers {
		if !slices.Contains(told, w) {
			to = append(to, w)
		}
	}
	n.Kind, n.To, n.Event = NoticeWatcher, to, r.Event.Kind
	r.notify(n, r.Event.Actor)
}

// tellWatchersOfComment is tellWatchers for a comment or a correction: a
// correction is told always, a comment with Roles.WatchersGetComments;
// neither once the incident is final.
func (r *Result) tellWatchersOfComment(n Notice, roles Roles) {
	if r.Incident.State.Final() || (r.Event.Kind == EventComment && !roles.WatchersGetComments) {
		return
	}
	r.tellWatchers(n)
}

// CommandsFor lists the commands a notice tells its recipient they may
// use: those of Available, and UNWATCH on a watcher's notice or receipt
// to someone who watches the incident.
func CommandsFor(n Notice, recipient string, roles Roles) []Verb {
	verbs := Available(n.Incident, recipient, roles)
	inc := n.Incident
	if (n.Kind == NoticeWatcher || n.Kind == NoticeReceipt) && !inc.State.Final() &&
		slices.Contains(inc.Watchers, strings.ToLower(recipient)) {
		verbs = append(verbs, Unwatch)
	}
	return verbs
}
