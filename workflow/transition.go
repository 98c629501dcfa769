package workflow

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Input is one mail's worth of action on an incident.
type Input struct {
	Actor     string  // lower-case address of the sender
	Command   Command // zero Verb when the reply holds no keyword
	Text      string  // the new text of the mail
	MessageID string
	At        time.Time
	// Corrections are the fields a reply sets ("Prioridad: Alta"), with
	// its keyword or without one.
	Corrections []Correction
	// Cc are the addresses a report was copied to: those in the
	// organization's domains watch the new incident.
	Cc []string
	// Assign is the address an "Assign:" line of the mail names: with
	// ACCEPT, the resolver who gets the incident; alone, the resolver it
	// is handed to (assign.go).
	Assign string
}

// Result is what a transition produces: the incident as it now stands, the
// event to append to its history, and the notifications to send.
type Result struct {
	Incident Incident
	Event    Event
	// Corrected is the event of the fields a command's mail corrected
	// besides its command ("ACEPTAR" then "Prioridad: Crítica"): kind
	// EventUpdated, a line per change; nil when it corrected none. A
	// mail without a command that corrects fields is itself an
	// EventUpdated.
	Corrected *Event
	Notices   []Notice
}

// RefusalReason says why a command changed nothing.
type RefusalReason string

// The reasons a command is refused.
const (
	NotNow         RefusalReason = "not_now"         // the keyword does not fit the incident's state
	NoRole         RefusalReason = "no_role"         // the sender does not play the role
	ReasonRequired RefusalReason = "reason_required" // the keyword needs a text after it
	Conflict       RefusalReason = "conflict"        // two different keywords in one reply
	Outsider       RefusalReason = "outsider"        // a report from outside the organization's domains
	// Unauthenticated: the mail is not authenticated by the configured
	// policy (SPEC §5): no valid reply token, no trusted DMARC or aligned
	// DKIM pass.
	Unauthenticated RefusalReason = "unauthenticated"
)

// Refusal is the error of a command that changed nothing. It says why and
// what would work now, for the reply to the sender.
type Refusal struct {
	Reason RefusalReason
	Verb   Verb
	Other  Verb     `json:",omitempty"` // the second keyword of a conflict
	State  State    `json:",omitempty"`
	Role   Role     `json:",omitempty"` // the role the command needs
	WhoMay []string `json:",omitempty"` // who plays that role
	// Notified says, for an unauthenticated command, whether its sender
	// was sent a notice of the incident, whose reply would authenticate.
	Notified bool `json:",omitempty"`
	// Assignee is, for Taken, who has the incident; for NotAssignable,
	// the address that was named.
	Assignee string `json:",omitempty"`
}

func (r *Refusal) Error() string {
	switch r.Reason {
	case NotNow:
		return fmt.Sprintf("%s does not fit an incident that is %s", r.Verb, r.State)
	case NoRole:
		if r.Role == "" {
			return fmt.Sprintf("%s needs an address of the organization", r.Verb)
		}
		return fmt.Sprintf("%s needs the %s role", r.Verb, r.Role)
	case ReasonRequired:
		return fmt.Sprintf("%s needs a reason after the keyword", r.Verb)
	case Conflict:
		return fmt.Sprintf("the reply holds both %s and %s", r.Verb, r.Other)
	case Outsider:
		return "only the organization's addresses may report incidents"
	case Taken:
		return fmt.Sprintf("%s is for %s, who has the incident", r.Verb, r.Assignee)
	case NotAssignable:
		return fmt.Sprintf("%s cannot be assigned the incident: not one of its resolvers", r.Assignee)
	}
	return string(r.Reason)
}

// step is one row of the SPEC §2 table.
type step struct {
	role      Role
	to        State
	event     EventKind
	needsText bool
}

var table = map[State]map[Verb]step{
	Reported: {
		Accept: {Evaluator, InResolution, EventAccepted, false},
		Reject: {Evaluator, Rejected, EventRejected, true},
	},
	InResolution: {
		Resolve:     {Resolver, Resolved, EventResolved, false},
		RequestInfo: {Resolver, InfoRequested, EventInfoRequested, true},
		Reject:      {Resolver, Rejected, EventRejected, true},
	},
	Resolved: {
		Confirm: {Validator, Closed, EventConfirmed, false},
		Reopen:  {Validator, InResolution, EventReopened, true},
	},
}

// Allowed lists the commands that fit state, in a stable order.
func Allowed(state State) []Verb {
	var out []Verb
	for _, v := range []Verb{Accept, Resolve, RequestInfo, Confirm, Reopen, Reject} {
		if _, ok := table[state][v]; ok {
			out = append(out, v)
		}
	}
	return out
}

// Report starts an incident's life: inc is the new incident (its ID set),
// in the mail that reported it. The reporter is told what was understood
// and assumed; evaluators are asked to evaluate it. The colleagues it was
// copied to (in.Cc) watch it.
func Report(inc Incident, in Input, assumed []Assumption, roles Roles) Result {
	inc.State = Reported
	inc.Watchers = copied(inc, in.Cc, roles)
	inc.Created, inc.Updated = in.At, in.At
	res := Result{Incident: inc, Event: event(inc, in, EventReported, "", Reported)}
	res.Event.Text = inc.Description
	res.notify(Notice{Kind: NoticeAck, To: []string{inc.Reporter}, Assumed: assumed}, "")
	res.notify(Notice{Kind: NoticeNew, To: roles.Members(Evaluator, inc), Attach: true}, in.Actor)
	return res
}

// Transition applies one mail to an incident. A reply without a keyword is
// a comment, or the answer to an information request when it comes from the
// evaluator who was asked. A command that does not fit returns a *Refusal
// and no result. The incident's watchers are told of what happened.
func Transition(inc Incident, in Input, roles Roles) (Result, error) {
	if in.Command.Verb == "" && in.Assign != "" {
		in.Command.Verb = Assign
	}
	switch in.Command.Verb {
	case "":
		return reply(inc, in, roles), nil
	case Watch, Unwatch:
		return follow(inc, in, roles)
	case Take, Assign:
		return assign(inc, in, roles)
	}
	st, ok := table[inc.State][in.Command.Verb]
	if !ok {
		return Result{}, &Refusal{Reason: NotNow, Verb: in.Command.Verb, State: inc.State}
	}
	if err := claimed(inc, in, st.role, roles); err != nil {
		return Result{}, err
	}
	if !roles.Has(st.role, in.Actor, inc) {
		return Result{}, &Refusal{Reason: NoRole, Verb: in.Command.Verb, State: inc.State,
			Role: st.role, WhoMay: roles.Describe(st.role, inc)}
	}
	text := strings.TrimSpace(in.Command.Argument)
	if st.needsText && text == "" {
		return Result{}, &Refusal{Reason: ReasonRequired, Verb: in.Command.Verb, State: inc.State}
	}
	if in.Command.Verb == Accept && in.Assign != "" {
		to, err := assignable(inc, in, roles)
		if err != nil {
			return Result{}, err
		}
		inc.Assignee = to
	}
	if in.Command.Verb == Resolve && roles.NoValidation {
		st.to = Closed
	}
	from := inc.State
	changes := correct(&inc, in, roles)
	inc.State, inc.Updated = st.to, in.At
	switch in.Command.Verb {
	case Accept:
		inc.AcceptedBy, inc.Evaluation = in.Actor, text
	case Reject:
		inc.Evaluation = text
	}
	res := Result{Incident: inc, Event: event(inc, in, st.event, from, st.to)}
	res.Event.Text = text
	if changes != nil {
		ev := event(inc, in, EventUpdated, st.to, st.to)
		ev.Text = changeLines(changes)
		res.Corrected = &ev
	}
	n := Notice{Text: text, Changes: changes}
	switch in.Command.Verb {
	case Accept:
		res.notify(with(n, NoticeAccepted, inc.Reporter), in.Actor)
		assigned := with(n, NoticeAssigned, roles.Members(Resolver, inc)...)
		assigned.Attach = true
		res.notify(assigned, in.Actor)
	case Reject:
		res.notify(with(n, NoticeRejected, inc.Reporter, inc.AcceptedBy), in.Actor)
	case RequestInfo:
		res.notify(with(n, NoticeInfoRequest, questioned(inc, roles)...), in.Actor)
	case Resolve:
		to := roles.Members(Validator, inc)
		if inc.State == Closed { // nobody validates: those a closing concerns are told
			to = closing(inc, roles)
		}
		res.notify(with(n, NoticeResolved, to...), in.Actor)
	case Reopen:
		res.notify(with(n, NoticeReopened, roles.Members(Resolver, inc)...), in.Actor)
	case Confirm:
		res.notify(with(n, NoticeClosed, closing(inc, roles)...), in.Actor)
	}
	res.tellWatchers(n)
	return res, nil
}

// closing is who is told that inc is closed: the reporter, the evaluator
// who accepted it and the resolvers.
func closing(inc Incident, roles Roles) []string {
	return append([]string{inc.Reporter, inc.AcceptedBy}, roles.Members(Resolver, inc)...)
}

// reply handles a mail without a keyword. The watchers hear of an answer
// and a correction, and of a comment when Roles.WatchersGetComments.
func reply(inc Incident, in Input, roles Roles) Result {
	text := strings.TrimSpace(in.Text)
	if inc.State == InfoRequested && strings.EqualFold(in.Actor, inc.AcceptedBy) {
		inc.State, inc.Updated = InResolution, in.At
		res := Result{Incident: inc, Event: event(inc, in, EventInfoAnswered, InfoRequested, InResolution)}
		res.Event.Text = text
		res.notify(Notice{Kind: NoticeInfoAnswer, To: roles.Members(Resolver, inc), Text: text}, in.Actor)
		res.tellWatchers(Notice{Text: text})
		return res
	}
	kind, history := EventComment, text
	before := inc
	changes := correct(&inc, in, roles)
	moves := rerouted(before, &inc, roles)
	changes = append(changes, moves...)
	if changes != nil {
		kind, history = EventUpdated, changeLines(changes)+"\n\n"+text
	}
	res := Result{Incident: inc, Event: event(inc, in, kind, inc.State, inc.State)}
	res.Event.Text = strings.TrimSpace(history)
	n := Notice{Kind: NoticeComment, To: audience(inc, roles), Text: text, Changes: changes}
	if moves != nil {
		res.moved(before, n, roles, in.Actor)
	} else {
		res.notify(n, in.Actor)
	}
	res.tellWatchersOfComment(Notice{Text: text, Changes: changes}, roles)
	return res
}

// Comment keeps the text of a mail whose sender could not be
// authenticated as a comment on inc: it moves nothing, corrects no field
// and answers no information request, and tells whoever acts next (and
// the watchers, as reply does).
func Comment(inc Incident, in Input, roles Roles) Result {
	res := Result{Incident: inc, Event: event(inc, in, EventComment, inc.State, inc.State)}
	res.Event.Text = strings.TrimSpace(in.Text)
	res.notify(Notice{Kind: NoticeComment, To: audience(inc, roles), Text: res.Event.Text}, in.Actor)
	res.tellWatchersOfComment(Notice{Text: res.Event.Text}, roles)
	return res
}

// correct applies the corrections of a reply to inc when its sender may
// correct it and says what changed, one Change per field.
func correct(inc *Incident, in Input, roles Roles) []Change {
	if !MayCorrect(*inc, in.Actor, roles) {
		return nil
	}
	var changes []Change
	for _, c := range in.Corrections {
		if cur := inc.Value(c.Field); c.Value != "" && c.Value != cur {
			changes = append(changes, Change{Field: c.Field, From: cur, To: c.Value})
			inc.Set(c.Field, c.Value)
		}
	}
	if changes != nil {
		inc.Updated = in.At
	}
	return changes
}

// MayCorrect reports whether actor may correct the fields of inc by
// reply: the reporter while it waits to be evaluated (answering what is
// missing), an evaluator, a resolver or an admin until it is final.
func MayCorrect(inc Incident, actor string, roles Roles) bool {
	switch {
	case inc.State.Final():
		return false
	case roles.Has(Evaluator, actor, inc) || roles.Has(Resolver, actor, inc) || roles.Has(Admin, actor, inc):
		return true
	}
	return inc.State == Reported && strings.EqualFold(actor, inc.Reporter)
}

// changeLines are changes as the history keeps them, a line each.
func changeLines(changes []Change) string {
	lines := make([]string, len(changes))
	for i, c := range changes {
		lines[i] = c.String()
	}
	return strings.Join(lines, "\n")
}

// audience is who hears of a comment on inc: the reporter and whoever
// acts next; once inc is final, the reporter and those who took part in
// its end: for a rejection the evaluators (the one who accepted it and the
// resolvers, when it was rejected in resolution), for a closing the one
// who accepted it and the resolvers.
func audience(inc Incident, roles Roles) []string {
	to := []string{inc.Reporter}
	switch {
	case inc.State == Rejected && inc.AcceptedBy == "":
		return append(to, roles.Members(Evaluator, inc)...)
	case inc.State.Final():
		return closing(inc, roles)
	}
	return append(to, NextActors(inc, roles)...)
}

// NextActors lists who must act on inc now: nobody once it is final.
func NextActors(inc Incident, roles Roles) []string {
	switch inc.State {
	case Reported:
		return roles.Members(Evaluator, inc)
	case InResolution:
		return roles.Members(Resolver, inc)
	case InfoRequested:
		return questioned(inc, roles)
	case Resolved:
		return roles.Members(Validator, inc)
	}
	return nil
}

// questioned is who answers a resolver's question: the evaluator who
// accepted the incident, or the evaluators when that is not known.
func questioned(inc Incident, roles Roles) []string {
	if inc.AcceptedBy != "" {
		return []string{inc.AcceptedBy}
	}
	return roles.Members(Evaluator, inc)
}

func event(inc Incident, in Input, kind EventKind, from, to State) Event {
	return Event{IncidentID: inc.ID, At: in.At, Actor: in.Actor, MessageID: in.MessageID, Kind: kind, From: from, To: to}
}

func with(n Notice, kind NoticeKind, to ...string) Notice {
	n.Kind, n.To = kind, to
	return n
}

// notify adds n for its recipients, without duplicates, empty addresses or
// the actor, who knows what they did; a notice left with no one is dropped.
func (r *Result) notify(n Notice, actor string) {
	var to []string
	for _, a := range n.To {
		a = strings.ToLower(strings.TrimSpace(a))
		if a != "" && !strings.EqualFold(a, actor) && !slices.Contains(to, a) {
			to = append(to, a)
		}
	}
	if len(to) == 0 {
		return
	}
	n.To, n.Incident, n.Actor = to, r.Incident, actor
	r.Notices = append(r.Notices, n)
}
