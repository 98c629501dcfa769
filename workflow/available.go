package workflow

// Available lists the commands actor may use on inc now: those of
// Allowed(inc.State) whose role actor plays, in the same order, then TAKE
// when actor may take inc from several who could resolve it. It is empty
// for someone with nothing to do, and once inc is final.
func Available(inc Incident, actor string, roles Roles) []Verb {
	var out []Verb
	for _, v := range Allowed(inc.State) {
		if roles.Has(table[inc.State][v].role, actor, inc) {
			out = append(out, v)
		}
	}
	if takes(inc, actor, roles) {
		out = append(out, Take)
	}
	return out
}

// takes reports whether TAKE is worth offering actor on inc: nobody has
// it yet, it is being resolved, and actor is one of several who could
// resolve it (a list of more than one, or anyone in the domains).
func takes(inc Incident, actor string, roles Roles) bool {
	if inc.Assignee != "" || (inc.State != InResolution && inc.State != InfoRequested) {
		return false
	}
	return len(roles.list(Resolver, inc)) != 1 && roles.Has(Resolver, actor, inc)
}

// NeedsText reports whether v needs a text after its keyword (a reason,
// a question) wherever it fits.
func (v Verb) NeedsText() bool {
	for _, verbs := range table {
		if st, ok := verbs[v]; ok {
			return st.needsText
		}
	}
	return false
}

// Receipt is what the person whose mail acted on an incident is told: what
// their mail did and who acts next.
type Receipt struct {
	Event EventKind
	// Next are who must act now; empty once the incident is final.
	Next []string `json:",omitempty"`
}

// ReceiptFor is the receipt of res to the person whose mail caused it,
// about the incident as it now stands: what the mail said and, when it
// corrected fields, the changes, which the receipt writes in its reader's
// language (the event's text keeps them as the history does).
func ReceiptFor(res Result, roles Roles) Notice {
	r := &Receipt{Event: res.Event.Kind, Next: NextActors(res.Incident, roles)}
	n := Notice{Kind: NoticeReceipt, To: []string{res.Event.Actor}, Incident: res.Incident,
		Actor: res.Event.Actor, Text: res.Event.Text, Receipt: r}
	for _, c := range res.Notices {
		if c.Changes != nil {
			n.Text, n.Changes = c.Text, c.Changes
		}
	}
	return n
}
