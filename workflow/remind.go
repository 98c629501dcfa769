package workflow

import (
	"fmt"
	"strings"
	"time"
)

// Deadlines say, per priority, how long an incident may wait in one state
// before whoever must act is reminded. A priority without a deadline (or
// with a zero one) is never reminded.
type Deadlines map[Priority]time.Duration

// Overdue says how late an incident is, for reminder and escalation
// notices.
type Overdue struct {
	Since    time.Time // when the incident entered its current state
	Waited   Seconds   // how long it has waited in that state
	Deadline Seconds   // the deadline of its priority
	// Actors are who must act now; an escalation names them to the admins.
	Actors []string `json:",omitempty"`
}

// Entered is when inc entered its current state: the time of the last
// event of its history that moved it into that state, or its creation when
// the history holds none. Comments and corrections do not change it.
func Entered(inc Incident, history []Event) time.Time {
	for i := len(history) - 1; i >= 0; i-- {
		ev := history[i]
		if ev.From != ev.To && ev.To == inc.State {
			return ev.At
		}
	}
	return inc.Created
}

// Stale is what Remind needs to know about one waiting incident.
type Stale struct {
	Incident Incident
	Entered  time.Time // see Entered
	// LastReminder is when a reminder or escalation about the incident was
	// last sent; zero when never.
	LastReminder time.Time
}

// StaleOf reads from an incident's history when it entered its current
// state and when it was last reminded of.
func StaleOf(inc Incident, history []Event) Stale {
	s := Stale{Incident: inc, Entered: Entered(inc, history)}
	for _, ev := range history {
		if ev.Kind == EventReminded || ev.Kind == EventEscalated {
			s.LastReminder = ev.At
		}
	}
	return s
}

// RemindedEvent is the history event recording that reminder or
// escalation n was sent at at by actor (the service's own address).
func RemindedEvent(n Notice, actor string, at time.Time) Event {
	kind := EventReminded
	if n.Kind == NoticeEscalation {
		kind = EventEscalated
	}
	text := strings.Join(n.To, ", ")
	if o := n.Overdue; o != nil {
		text = fmt.Sprintf("%s (waiting %s; deadline %s)", text, o.Waited, o.Deadline)
	}
	return Event{IncidentID: n.Incident.ID, At: at, Actor: actor, Kind: kind,
		From: n.Incident.State, To: n.Incident.State, Text: text}
}

// Remind decides the notices a waiting incident deserves at now:
//
//   - none while it is final, has no deadline, or has waited less than its
//     priority's deadline in its current state;
//   - none when a notice was sent less than one deadline ago while it was in
//     this state: at most one round of notices per deadline period;
//   - otherwise a NoticeReminder to whoever must act now (NextActors);
//   - and, once it has waited twice the deadline or more, also a
//     NoticeEscalation to the admins, naming who should have acted.
//
// Each notice carries an Overdue. Remind is pure: the caller records
// when it sent the notices and passes that time back as LastReminder.
func Remind(s Stale, deadlines Deadlines, roles Roles, now time.Time) []Notice {
	inc := s.Incident
	d := deadlines[inc.Priority]
	waited := now.Sub(s.Entered)
	if inc.State.Final() || d <= 0 || waited < d {
		return nil
	}
	if !s.LastReminder.Before(s.Entered) && now.Sub(s.LastReminder) < d {
		return nil
	}
	actors := NextActors(inc, roles)
	over := &Overdue{Since: s.Entered, Waited: SecondsOf(waited), Deadline: SecondsOf(d), Actors: actors}
	var res Result
	res.Incident = inc
	res.notify(Notice{Kind: NoticeReminder, To: actors, Overdue: over}, "")
	if waited >= 2*d {
		res.notify(Notice{Kind: NoticeEscalation, To: roles.Members(Admin, inc), Overdue: over}, "")
	}
	return res.Notices
}
