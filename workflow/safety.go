package workflow

import "strings"

// Unauthenticated is the reason a command is refused when its mail is not
// authenticated by the configured policy (SPEC §5): no valid reply token,
// no trusted DMARC or aligned DKIM pass.
const Unauthenticated RefusalReason = "unauthenticated"

// NoticeDropped tells a sender which attachments of their mail were not
// kept (over the size or count limit); Notice.Text lists their names, one
// a line. The mail itself was handled.
const NoticeDropped NoticeKind = "dropped"

// Comment keeps the text of a mail whose sender could not be
// authenticated as a comment on inc: it moves nothing, corrects no field
// and answers no information request, and tells whoever acts next.
func Comment(inc Incident, in Input, roles Roles) Result {
	res := Result{Incident: inc, Event: event(inc, in, EventComment, inc.State, inc.State)}
	res.Event.Text = strings.TrimSpace(in.Text)
	to := append([]string{inc.Reporter}, NextActors(inc, roles)...)
	res.notify(Notice{Kind: NoticeComment, To: to, Text: res.Event.Text}, in.Actor)
	return res
}
