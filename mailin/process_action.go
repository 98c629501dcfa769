package mailin

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"incidentd/mailin/parse"
	"incidentd/workflow"
	"incidentd/workflow/identity"
	"incidentd/workflow/store"
)

// matchResult is the incident a mail belongs to and how that was found.
type matchResult struct {
	id      int64  // the incident matched; 0 when none
	by      string // "token", "references" or "subject"
	unknown int64  // an incident named in the subject that does not exist
	// token: the mail carries a valid reply token bound to the incident
	// matched and to its sender.
	token bool
	// authenticated: the mail passes the command policy (Processor.CommandAuth).
	authenticated bool
}

// match finds the incident a mail replies to (SPEC §4): the incident of a
// valid reply token first (tokens lists them, see tokenIncidents), then a
// Message-ID of its thread in In-Reply-To or References, then the [INC-n]
// tag of the subject. A token counts only when the thread and the tag, where
// they name an incident, name the same one: a token for another incident
// is worth nothing.
func match(tx *store.Tx, msg *parse.Message, tokens []int64) (matchResult, error) {
	ids := append(slices.Clone(msg.References), msg.InReplyTo...)
	thread, threaded, err := tx.IncidentForMessages(ids)
	if err != nil {
		return matchResult{}, err
	}
	for _, id := range tokens {
		if (threaded && thread != id) || (msg.Tag != 0 && msg.Tag != id) {
			continue
		}
		switch _, err := tx.Incident(id); {
		case err == nil:
			return matchResult{id: id, by: "token", token: true}, nil
		case !errors.Is(err, store.ErrNotFound):
			return matchResult{}, err
		}
	}
	if threaded {
		return matchResult{id: thread, by: "references"}, nil
	}
	if msg.Tag == 0 {
		return matchResult{}, nil
	}
	_, err = tx.Incident(msg.Tag)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return matchResult{unknown: msg.Tag}, nil
	case err != nil:
		return matchResult{}, err
	}
	return matchResult{id: msg.Tag, by: "subject"}, nil
}

// action is the handling of one mail inside its transaction.
type action struct {
	p        *Processor
	tx       *store.Tx
	msg      *parse.Message
	key      string
	blobs    []store.Attachment
	dropped  []droppedFile // attachments not kept, to tell the sender
	incident int64         // the incident the mail ended up concerning
	held     int           // mails not queued because of the rate limits
	created  bool          // the mail created the incident: its thread starts with the mail
	queued   int           // when created: the mails queued about the incident, all by this action
}

func (a *action) input() workflow.Input {
	return workflow.Input{Actor: a.msg.From.Address, Text: a.msg.NewText, MessageID: a.msg.MessageID, At: a.p.now()}
}

// report creates an incident from a mail that replies to none.
func (a *action) report() (string, error) {
	if !a.p.Roles.InDomains(a.msg.From.Address) {
		n := workflow.Notice{Kind: workflow.NoticeRefused, To: []string{a.msg.From.Address}, Subject: a.msg.Subject,
			Refusal: &workflow.Refusal{Reason: workflow.Outsider, WhoMay: a.p.Roles.Describe(workflow.Evaluator, workflow.Incident{})}}
		return "report refused: sender outside the organization", a.notify([]workflow.Notice{n}, 0)
	}
	if err := a.learnLanguage(); err != nil {
		return "", err
	}
	fields, assumed, missing := parse.Report(reportText(a.msg), a.p.Form, a.p.Defaults)
	now := a.p.now()
	inc := workflow.Incident{Title: parse.Title(a.msg.Subject), Reporter: a.msg.From.Address,
		ReporterName: a.msg.From.Name, Fields: fields, State: workflow.Reported, Created: now, Updated: now}
	// The incident is written once, as Report leaves it; its new ID is
	// then given to the notices about it.
	in := a.input()
	in.Cc = a.copied()
	res := workflow.Report(inc, in, assumed, a.p.Roles)
	for i, n := range res.Notices {
		if n.Kind == workflow.NoticeAck {
			res.Notices[i].Files = a.keptFiles() // the reporter sees that they arrived
			res.Notices[i].Missing = missing
		}
	}
	if err := a.tx.CreateIncident(&res.Incident); err != nil {
		return "", err
	}
	if w := res.Incident.Watchers; len(w) > 0 {
		if err := a.tx.SetWatchers(res.Incident.ID, w); err != nil {
			return "", err
		}
	}
	inc.ID = res.Incident.ID
	for i := range res.Notices {
		res.Notices[i].Incident.ID = inc.ID
	}
	a.created = true
	if err := a.apply(res); err != nil {
		return "", err
	}
	return fmt.Sprintf("reported INC-%d", inc.ID), nil
}

// learnLanguage records the language the sender wrote the mail in, when
// its keyword or labels tell (parse.Language), so that the notices they
// receive from now on are in it (unless the configuration names theirs).
func (a *action) learnLanguage() error {
	lang, ok := parse.Language(a.msg.NewText)
	if !ok {
		return nil
	}
	return a.tx.SetLanguage(a.msg.From.Address, lang, a.p.now())
}

// copied are the addresses the mail was copied to, but our own: those in
// the organization's domains watch the incident it reports.
func (a *action) copied() []string {
	var out []string
	for _, c := range a.msg.Cc {
		if !strings.EqualFold(c.Address, a.p.Identity.Address()) {
			out = append(out, c.Address)
		}
	}
	return out
}

// reportText is the text a report's fields are read from, and the text of
// a forward applied to an incident: the new text, and for a forward the
// forwarded mail too, with its original sender, date and subject, so that
// a forwarded report is about the original.
func reportText(msg *parse.Message) string {
	f := msg.Forward
	if f == nil {
		return msg.NewText
	}
	var b strings.Builder
	b.WriteString(strings.TrimSpace(msg.NewText))
	b.WriteString("\n\n---- forwarded ----\nFrom " + f.From.Address)
	if f.From.Name != "" {
		b.WriteString(" (" + f.From.Name + ")")
	}
	if !f.Date.IsZero() {
		b.WriteString(", " + f.Date.UTC().Format("2006-01-02 15:04 MST"))
	}
	if f.Subject != "" {
		b.WriteString("\nSubject: " + f.Subject)
	}
	b.WriteString("\n" + strings.TrimSpace(f.Text))
	return strings.TrimSpace(b.String())
}

// reply applies a mail to the incident it answers. A command whose mail
// fails the command policy changes nothing and its sender is told why; a
// mail without a command is then kept as a comment marked
// unauthenticated. A forward is a comment carrying the forwarded mail
// (reportText), never a command. The sender of an authenticated mail is
// told what it did (answer).
func (a *action) reply(m matchResult) (string, error) {
	inc, err := a.tx.Incident(m.id)
	if err != nil {
		return "", err
	}
	if inc.Watchers, err = a.tx.Watchers(inc.ID); err != nil {
		return "", err
	}
	a.incident = inc.ID
	if m.authenticated {
		if err := a.learnLanguage(); err != nil {
			return "", err
		}
	}
	in := a.input()
	var cmd workflow.Command
	var found bool
	var fixes []workflow.Correction
	var problems []workflow.FieldProblem
	text := parse.WithoutSignoff(a.msg.NewText)
	if a.msg.Forward != nil {
		in.Text, text = reportText(a.msg), "" // neither a command nor a near miss
	} else {
		// A command's text (an evaluation, a reason) is what the mail
		// says besides the fields it corrects.
		var rest string
		fixes, problems, rest = parse.Corrections(text, a.p.Form)
		if len(fixes)+len(problems) == 0 {
			rest = text
		}
		cmd, found, err = workflow.ParseCommand(rest)
	}
	var res workflow.Result
	switch {
	case !m.authenticated && (found || err != nil):
		refusal, err := a.unauthenticated(inc, in, cmd)
		if err != nil {
			return "", err
		}
		return a.refuse(inc, refusal)
	case !m.authenticated:
		in.Text = unauthenticatedMark + strings.TrimSpace(in.Text)
		res = workflow.Comment(inc, in, a.p.Roles)
	case err == nil:
		in.Command = cmd
		if len(problems) == 0 { // one wrong line holds back the mail's every correction
			in.Corrections = fixes
		}
		in.Assign, _ = parse.Assignee(text)
		res, err = workflow.Transition(inc, in, a.p.Roles)
	}
	var refusal *workflow.Refusal
	if errors.As(err, &refusal) {
		return a.refuse(inc, refusal)
	}
	if err != nil {
		return "", err
	}
	if err := a.tx.SaveIncident(res.Incident); err != nil {
		return "", err
	}
	if !slices.Equal(inc.Watchers, res.Incident.Watchers) {
		if err := a.tx.SetWatchers(inc.ID, res.Incident.Watchers); err != nil {
			return "", err
		}
	}
	if err := a.apply(res); err != nil {
		return "", err
	}
	outcome := fmt.Sprintf("INC-%d %s by %s (matched by %s)", inc.ID, res.Event.Kind, in.Actor, m.by)
	if !m.authenticated {
		return outcome + ", unauthenticated", nil
	}
	return outcome, a.answer(res, text, problems)
}

// unauthenticatedMark starts the text of a comment whose mail failed the
// command policy, in the history and in the notices about it.
const unauthenticatedMark = "[unauthenticated] "

// unauthenticated is the refusal of cmd in a mail that failed the command
// policy: why the command would not work anyway, when it would not (it
// does not fit the state, the sender does not play its role); else that
// the mail could not be authenticated, and whether its sender was ever
// sent a notice of inc, whose reply would be.
func (a *action) unauthenticated(inc workflow.Incident, in workflow.Input, cmd workflow.Command) (*workflow.Refusal, error) {
	in.Command = cmd
	var refusal *workflow.Refusal
	if _, err := workflow.Transition(inc, in, a.p.Roles); errors.As(err, &refusal) &&
		(refusal.Reason == workflow.NotNow || refusal.Reason == workflow.NoRole) {
		return refusal, nil
	}
	notified, err := a.tx.Notified(inc.ID, in.Actor)
	if err != nil {
		return nil, err
	}
	return &workflow.Refusal{Reason: workflow.Unauthenticated, Verb: cmd.Verb, Notified: notified}, nil
}

// answer tells the sender of an authenticated mail that acted on an
// incident what it did: when its first line looked like a command and was
// not one (a near miss; not a field such as "Prioridad: Alta"), that it
// was kept as a comment and what they may have meant; else, unless
// receipts are off, what changed and who is next. A mail with field
// lines that correct nothing (problems) is also answered with what may
// be written.
func (a *action) answer(res workflow.Result, text string, problems []workflow.FieldProblem) error {
	if problems != nil {
		n := workflow.Notice{Kind: workflow.NoticeFieldProblems, To: []string{res.Event.Actor}, Incident: res.Incident,
			Actor: res.Event.Actor, Problems: problems}
		if err := a.notify([]workflow.Notice{n}, res.Incident.ID); err != nil {
			return err
		}
	}
	var n workflow.Notice
	miss, ok := workflow.FindNearMiss(text)
	switch {
	case ok && !parse.IsField(miss.Line, a.p.Form) && res.Event.Kind != workflow.EventInfoAnswered:
		n = workflow.Notice{Kind: workflow.NoticeNearMiss, To: []string{res.Event.Actor}, Incident: res.Incident,
			Actor: res.Event.Actor, Text: res.Event.Text, NearMiss: &miss}
	case a.p.Receipts:
		n = workflow.ReceiptFor(res, a.p.Roles)
	default:
		return nil
	}
	return a.notify([]workflow.Notice{n}, res.Incident.ID)
}

// refuse answers a command that changed nothing with why and what would
// work now.
func (a *action) refuse(inc workflow.Incident, refusal *workflow.Refusal) (string, error) {
	if refusal.State == "" {
		refusal.State = inc.State
	}
	actor := a.msg.From.Address
	n := workflow.Notice{Kind: workflow.NoticeRefused, To: []string{actor}, Incident: inc,
		Actor: actor, Refusal: refusal, Subject: a.msg.Subject}
	a.p.log().Info("command refused", "incident", inc.ID, "from", actor, "reason", refusal.Error())
	return "refused: " + refusal.Error(), a.notify([]workflow.Notice{n}, inc.ID)
}

// unknown answers a mail that names an incident that does not exist.
func (a *action) unknown(id int64) (string, error) {
	n := workflow.Notice{Kind: workflow.NoticeUnknown, To: []string{a.msg.From.Address},
		Text: fmt.Sprintf("INC-%d", id), Subject: a.msg.Subject}
	return fmt.Sprintf("names unknown INC-%d", id), a.notify([]workflow.Notice{n}, 0)
}

// apply records a transition's event, the mail's attachments and thread
// link, and queues its notices.
func (a *action) apply(res workflow.Result) error {
	id := res.Incident.ID
	a.incident = id
	res.Event.IncidentID = id
	if err := a.tx.AppendEvent(res.Event); err != nil {
		return err
	}
	if ev := res.Corrected; ev != nil {
		ev.IncidentID = id
		if err := a.tx.AppendEvent(*ev); err != nil {
			return err
		}
	}
	for _, b := range a.blobs {
		if err := a.tx.AddAttachment(id, b); err != nil {
			return err
		}
	}
	if a.msg.MessageID != "" {
		if err := a.tx.LinkMessage(a.msg.MessageID, id); err != nil {
			return err
		}
	}
	return a.notify(res.Notices, id)
}

// notify queues notices about incident id (0 for none), threaded after the
// incident's first message and the mail being answered.
func (a *action) notify(notices []workflow.Notice, id int64) error {
	// A new incident's thread root is the mail itself (or none, when its
	// Message-ID was linked before), which References adds in either case.
	var root string
	if id != 0 && !a.created {
		var err error
		if root, err = a.tx.ThreadRoot(id); err != nil {
			return err
		}
	}
	refs := identity.References(root, a.msg.MessageID)
	for _, n := range notices {
		about := -1 // counted by enqueue, unless the incident is new
		if a.created {
			about = a.queued
		}
		held, err := a.p.enqueue(a.tx, n, a.key, refs, &about)
		a.held += held
		if a.created {
			a.queued = about
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// enqueue queues one mail per recipient of n, unless the rate limits hold
// it back, and returns how many were held back. Its Message-ID carries the
// reply token of the incident and the recipient and is derived from the
// mail that caused it, so handling that mail twice queues nothing new, and
// replies to it are linked to the incident's thread. about is the count
// of mails queued about n's incident in the last hour, -1 when not known
// yet; enqueue updates it.
func (p *Processor) enqueue(tx *store.Tx, n workflow.Notice, cause string, refs []string, about *int) (int, error) {
	var to []string
	for _, rcpt := range n.To {
		ok, err := p.withinLimits(tx, n, rcpt, about)
		if err != nil {
			return 0, err
		}
		if ok {
			to = append(to, rcpt)
		}
	}
	held := len(n.To) - len(to)
	n.To = to
	if *about >= 0 {
		*about += len(to)
	}
	return held, tx.QueueNotice(n, refs, p.now(), p.Identity.MessageIDs(cause))
}
