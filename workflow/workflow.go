// Package workflow owns the incident domain: the states an incident goes
// through, the report form its fields follow, the commands people send by
// mail, the roles that may send them, and the pure Transition function
// that turns a command into a new state, a history event and the
// notifications it causes.
//
// It imports the standard library only; persistence lives in workflow/store
// and mail in the mailin and mailout packages.
package workflow

import "time"

// State is where an incident stands in the workflow (SPEC §2).
type State string

// The states of SPEC §2.
const (
	Reported      State = "reported"
	InResolution  State = "in_resolution"
	InfoRequested State = "info_requested"
	Resolved      State = "resolved"
	Rejected      State = "rejected"
	Closed        State = "closed"
)

// States lists every state in workflow order.
var States = []State{Reported, InResolution, InfoRequested, Resolved, Rejected, Closed}

// Final reports whether no command can move the incident any more.
func (s State) Final() bool { return s == Rejected || s == Closed }

// Type is the kind of incident reported.
type Type string

// The incident types of SPEC §3.
const (
	TypeError       Type = "error"
	TypeImprovement Type = "improvement"
	TypeFeature     Type = "feature"
	TypeTask        Type = "task"
)

// Priority is how urgent an incident is.
type Priority string

// The priorities of SPEC §3.
const (
	PriorityCritical Priority = "critical"
	PriorityHigh     Priority = "high"
	PriorityMedium   Priority = "medium"
	PriorityLow      Priority = "low"
)

// Fields are what a report says about the problem.
type Fields struct {
	Type        Type
	Priority    Priority
	System      string
	Description string
	Steps       string
	// Values are the values of the organization's own fields (see Form),
	// by field name. A field removed from the form keeps its value here.
	Values map[string]string `json:",omitempty"`
}

// Incident is one reported problem and where it stands.
type Incident struct {
	ID           int64
	Title        string
	Reporter     string // lower-case address of whoever reported it
	ReporterName string
	Fields
	State State
	// AcceptedBy is the evaluator who accepted the incident; resolvers'
	// questions go to them.
	AcceptedBy string
	// Evaluation is the note of the ACEPTAR that accepted the incident or
	// the reason of the RECHAZAR that rejected it: why it was decided so.
	Evaluation string `json:",omitempty"`
	Created    time.Time
	Updated    time.Time
	// Watchers follow the incident whatever their roles: lower-case
	// addresses in the organization's domains, in address order, each
	// told of every transition (NoticeWatcher). The store keeps them apart
	// from the incident's row: store.Tx.Watchers and SetWatchers.
	Watchers []string `json:",omitempty"`
	// Assignee is the one resolver who has the incident (assign.go); empty
	// while any resolver may act on it.
	Assignee string `json:",omitempty"`
}

// EventKind names what happened to an incident in one history event.
type EventKind string

// The events of an incident's history.
const (
	EventReported      EventKind = "reported"
	EventAccepted      EventKind = "accepted"
	EventRejected      EventKind = "rejected"
	EventResolved      EventKind = "resolved"
	EventInfoRequested EventKind = "info_requested"
	EventInfoAnswered  EventKind = "info_answered"
	EventConfirmed     EventKind = "confirmed"
	EventReopened      EventKind = "reopened"
	EventComment       EventKind = "comment"
	EventUpdated       EventKind = "updated"   // fields corrected by a reply
	EventReminded      EventKind = "reminded"  // whoever must act was reminded of a late incident
	EventEscalated     EventKind = "escalated" // the admins were told of a very late incident
	// EventAutoClosed: a resolved incident nobody validated in the time
	// allowed was closed by the service.
	EventAutoClosed EventKind = "auto_closed"
	EventWatched    EventKind = "watched"   // someone started to follow the incident
	EventUnwatched  EventKind = "unwatched" // someone stopped following it
	// EventAssigned: a resolver took the incident or was handed it; the
	// text says from whom to whom.
	EventAssigned EventKind = "assigned"
)

// Event is one entry of an incident's append-only history: who did what,
// when, from which message, and what they said.
type Event struct {
	IncidentID int64
	At         time.Time
	Actor      string
	MessageID  string
	Kind       EventKind
	From       State
	To         State
	Text       string
}

// NoticeKind names a notification; it is also the name of its template.
type NoticeKind string

// The notifications the workflow sends.
const (
	NoticeAck         NoticeKind = "ack"          // to the reporter: received, what was understood
	NoticeNew         NoticeKind = "new"          // to evaluators: evaluate this
	NoticeAccepted    NoticeKind = "accepted"     // to the reporter
	NoticeAssigned    NoticeKind = "assigned"     // to resolvers: resolve this
	NoticeRejected    NoticeKind = "rejected"     // to the reporter (and the accepting evaluator)
	NoticeInfoRequest NoticeKind = "info_request" // to the evaluator who accepted
	NoticeInfoAnswer  NoticeKind = "info_answer"  // to resolvers
	NoticeResolved    NoticeKind = "resolved"     // to validators: confirm or reopen
	NoticeReopened    NoticeKind = "reopened"     // to resolvers
	NoticeClosed      NoticeKind = "closed"       // to everyone involved
	NoticeComment     NoticeKind = "comment"      // to whoever acts next
	NoticeRefused     NoticeKind = "refused"      // to a sender whose command changed nothing
	NoticeUnknown     NoticeKind = "unknown"      // to a sender naming an incident that does not exist
	NoticeQuarantined NoticeKind = "quarantined"  // to a sender whose mail could not be read
	NoticeReminder    NoticeKind = "reminder"     // to whoever must act on an incident past its deadline
	NoticeEscalation  NoticeKind = "escalation"   // to admins: an incident past twice its deadline
	NoticeDigest      NoticeKind = "digest"       // to admins: the numbers of a period
	NoticeReceipt     NoticeKind = "receipt"      // to whoever's mail acted: what it did, who is next
	// NoticeNearMiss tells the sender of a reply whose first line looks
	// like a command and is not one that it was kept as a comment, and
	// what they may have meant.
	NoticeNearMiss NoticeKind = "near_miss"
	// NoticeFieldProblems tells the sender of a reply whose "Label: value"
	// lines corrected nothing (Notice.Problems) which labels and values
	// may be written; none of the mail's corrections was made.
	NoticeFieldProblems NoticeKind = "field_problems"
	// NoticeDropped tells a sender which attachments of their mail were not
	// kept (over the size or count limit); Notice.Files lists them. The
	// mail itself was handled.
	NoticeDropped NoticeKind = "dropped"
	// NoticeAutoClosed tells the reporter and the validators that a
	// resolved incident nobody validated in the time allowed is closed;
	// Notice.Overdue says since when it waited and the time allowed.
	NoticeAutoClosed NoticeKind = "auto_closed"
	// NoticeWatcher tells a watcher of the incident what happened to it:
	// Notice.Event, by Notice.Actor, with what they said.
	NoticeWatcher NoticeKind = "watcher"
)

// Notice is one notification caused by a transition or a refusal. It
// carries everything its template needs, so it can be stored in the outbox
// and rendered later.
type Notice struct {
	Kind     NoticeKind
	To       []string
	Incident Incident // snapshot after the transition; zero ID when there is none
	Actor    string   // who caused it
	Text     string   // what they said: reason, question, answer, comment
	// Assumed lists the report fields that took a default value, for the
	// acknowledgement.
	Assumed []Assumption `json:",omitempty"`
	// Missing names the required fields a report did not give, for the
	// acknowledgement.
	Missing []string `json:",omitempty"`
	// Problems are the field lines of a reply that corrected nothing,
	// for NoticeFieldProblems.
	Problems []FieldProblem `json:",omitempty"`
	Refusal  *Refusal       `json:",omitempty"`
	// Attach asks for the incident's attachments to be sent along.
	Attach bool `json:",omitempty"`
	// Subject is the subject of the mail being answered, for notices
	// about mail that names no incident.
	Subject string `json:",omitempty"`
	// Overdue says how late the incident is, for reminders and escalations.
	Overdue *Overdue `json:",omitempty"`
	// Metrics are the numbers of the digest.
	Metrics *Metrics `json:",omitempty"`
	// Changes are the fields a reply corrected, for its comment notice.
	Changes []Change `json:",omitempty"`
	// Files are the files the notice speaks of: those kept from a report,
	// for the acknowledgement; those not kept, for NoticeDropped.
	Files []File `json:",omitempty"`
	// Receipt says what the recipient's mail did, for a receipt.
	Receipt *Receipt `json:",omitempty"`
	// NearMiss is what a reply's first line looked like, for the notice
	// that asks what was meant.
	NearMiss *NearMiss `json:",omitempty"`
	// Event is what happened to the incident, for a watcher's notice.
	Event EventKind `json:",omitempty"`
	// Oversize says how large a mail quarantined for its size was, for
	// NoticeQuarantined.
	Oversize *Oversize `json:",omitempty"`
}

// Oversize is the size of a mail and the largest that is read, in bytes.
type Oversize struct {
	Size, Limit int64
}

// Change is one field corrected by a reply: its name ("type", "priority",
// "system", as in Assumption) and its values before and after, as stored
// (a Type or Priority, or the system's name; empty for none).
type Change struct {
	Field    string
	From, To string
}

// String is the change as the history keeps it: "priority: medium → high",
// with "—" for an empty value.
func (c Change) String() string {
	from, to := c.From, c.To
	if from == "" {
		from = "—"
	}
	if to == "" {
		to = "—"
	}
	return c.Field + ": " + from + " → " + to
}

// Correction is one field a reply sets: its name and its value as
// stored (FieldDef.Read).
type Correction struct {
	Field string
	Value string
}

// FieldProblem is a "Label: value" line of a reply that corrects
// nothing: its label is one letter away from a field's, or its value is
// not one of the field's choices. The reply's sender is told what may be
// written, and none of the mail's corrections is made.
type FieldProblem struct {
	Label   string // as written
	Value   string // as written
	Field   string // the field whose value is not a choice; "" for an unknown label
	Unknown bool   `json:",omitempty"` // the label names no field
}

// File is an attachment a notice names: its file name and size in bytes.
type File struct {
	Name string
	Size int64
}

// Assumption says that a report field was missing or not understood and
// which value was used instead.
type Assumption struct {
	Field string // "type", "priority", "system", "description"
	Given string // what the report said; empty when it said nothing
	Used  string // the value used instead
}
