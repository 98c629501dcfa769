package workflow

import "strings"

// Assignment gives an incident in resolution to one resolver: the
// evaluator who accepts it may name them (ACCEPT with an "Assign:"
// line), a resolver may take it (TAKE) or hand it to another resolver (an
// "Assign:" line alone). Once it is assigned, its assignee alone plays
// the resolver for it (Roles.Has, Roles.Members): only they are asked to
// act and reminded, and another resolver's command is refused with the
// assignee's name (Taken). A reopened incident keeps its assignee.

// The reasons an assignment, or a command on an assigned incident, is
// refused.
const (
	// Taken: the incident is assigned to another resolver, Refusal.Assignee.
	Taken RefusalReason = "taken"
	// NotAssignable: the address named (Refusal.Assignee) is not a
	// resolver of the incident; Refusal.WhoMay lists who may be assigned.
	NotAssignable RefusalReason = "not_assignable"
)

// assign applies TAKE and an "Assign:" line: both fit an incident in
// resolution or waiting for information, from a resolver who may act on
// it (any of them while it is unassigned, else its assignee). The one it
// is handed to is asked to resolve it; taking it notifies no one but the
// watchers.
func assign(inc Incident, in Input, roles Roles) (Result, error) {
	verb := in.Command.Verb
	if inc.State != InResolution && inc.State != InfoRequested {
		return Result{}, &Refusal{Reason: NotNow, Verb: verb, State: inc.State}
	}
	if err := claimed(inc, in, Resolver, roles); err != nil {
		return Result{}, err
	}
	if !roles.Has(Resolver, in.Actor, inc) {
		return Result{}, &Refusal{Reason: NoRole, Verb: verb, State: inc.State,
			Role: Resolver, WhoMay: roles.Describe(Resolver, inc)}
	}
	to := strings.ToLower(in.Actor)
	if verb == Assign {
		var err error
		if to, err = assignable(inc, in, roles); err != nil {
			return Result{}, err
		}
	}
	change := Change{Field: "assignee", From: inc.Assignee, To: to}
	inc.Assignee, inc.Updated = to, in.At
	res := Result{Incident: inc, Event: event(inc, in, EventAssigned, inc.State, inc.State)}
	res.Event.Text = change.String()
	if verb == Assign {
		res.notify(Notice{Kind: NoticeAssigned, To: []string{to}, Attach: true, Event: EventAssigned}, in.Actor)
	}
	res.tellWatchers(Notice{Changes: []Change{change}})
	return res, nil
}

// claimed refuses a command of role's on inc from a resolver of it who is
// not its assignee, naming the assignee.
func claimed(inc Incident, in Input, role Role, roles Roles) error {
	if role != Resolver || inc.Assignee == "" || strings.EqualFold(in.Actor, inc.Assignee) {
		return nil
	}
	if !roles.Has(Resolver, in.Actor, unassigned(inc)) {
		return nil // not a resolver at all: NoRole says who may
	}
	return &Refusal{Reason: Taken, Verb: in.Command.Verb, State: inc.State, Role: Resolver, Assignee: inc.Assignee}
}

// assignable is the resolver in.Assign names, lower case, or a refusal
// listing who may be assigned inc when it names no resolver of it.
func assignable(inc Incident, in Input, roles Roles) (string, error) {
	to := strings.ToLower(strings.TrimSpace(in.Assign))
	free := unassigned(inc)
	if !strings.Contains(to, "@") || !roles.Has(Resolver, to, free) {
		return "", &Refusal{Reason: NotAssignable, Verb: in.Command.Verb, State: inc.State,
			Role: Resolver, Assignee: to, WhoMay: roles.Describe(Resolver, free)}
	}
	return to, nil
}

// unassigned is inc as if no resolver had it: whom the roles make its
// resolvers.
func unassigned(inc Incident) Incident {
	inc.Assignee = ""
	return inc
}
