package workflow

import (
	"fmt"
	"time"
)

// AutoClose closes, at now, a resolved incident that has waited for
// validation for after or longer (SPEC §2's validation stage has a
// timer): the incident is closed, the history records an EventAutoClosed
// by actor (the service's own address), and the reporter and the
// validators are told, with an Overdue that says since when it waited
// (Since, Waited), the time allowed (Deadline) and who did not validate
// it (Actors). It reports false, and does nothing, for an incident that
// is not resolved, that has waited less, or when after is not positive.
//
// AutoClose is pure: run twice on the incident as the first run left it,
// it does nothing the second time.
func AutoClose(s Stale, after time.Duration, roles Roles, actor string, now time.Time) (Result, bool) {
	inc := s.Incident
	waited := now.Sub(s.Entered)
	if inc.State != Resolved || after <= 0 || waited < after {
		return Result{}, false
	}
	validators := roles.Members(Validator, inc)
	over := &Overdue{Since: s.Entered, Waited: SecondsOf(waited), Deadline: SecondsOf(after), Actors: validators}
	inc.State, inc.Updated = Closed, now
	res := Result{Incident: inc, Event: Event{IncidentID: inc.ID, At: now, Actor: actor, Kind: EventAutoClosed,
		From: Resolved, To: Closed, Text: fmt.Sprintf("not validated within %s (resolved %s ago)", over.Deadline, over.Waited)}}
	res.notify(Notice{Kind: NoticeAutoClosed, To: append([]string{inc.Reporter}, validators...), Overdue: over}, actor)
	return res, true
}
