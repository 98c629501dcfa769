package workflow

import (
	"slices"
	"strings"
	"testing"
)

func TestAvailable(t *testing.T) {
	cases := []struct {
		state State
		actor string
		want  []Verb
	}{
		{Reported, "alice@example.com", []Verb{Accept, Reject}},
		{Reported, "carol@example.com", nil}, // the reporter evaluates nothing
		{InResolution, "bob@example.com", []Verb{Resolve, RequestInfo, Reject}},
		{InResolution, "alice@example.com", nil},
		{Resolved, "carol@example.com", []Verb{Confirm, Reopen}},
		{Resolved, "bob@example.com", nil},
		{Rejected, "alice@example.com", nil},
	}
	for _, c := range cases {
		if got := Available(incident(c.state), c.actor, roles); !slices.Equal(got, c.want) {
			t.Errorf("Available(%s, %s) = %v, want %v", c.state, c.actor, got, c.want)
		}
	}
	// Among several resolvers, one may take an incident nobody has.
	inc := incident(InResolution)
	if got, want := Available(inc, "bob@example.com", twoResolvers), []Verb{Resolve, RequestInfo, Reject, Take}; !slices.Equal(got, want) {
		t.Errorf("two resolvers, unassigned: %v, want %v", got, want)
	}
	inc.Assignee = "bob@example.com"
	if got, want := Available(inc, "bob@example.com", twoResolvers), []Verb{Resolve, RequestInfo, Reject}; !slices.Equal(got, want) {
		t.Errorf("two resolvers, assigned: %v, want %v", got, want)
	}
}

// TestReplyAfterRejection: a reply to a rejected incident reaches those
// who took part in its end, the evaluators when it never was accepted.
func TestReplyAfterRejection(t *testing.T) {
	inc := incident(Rejected)
	inc.AcceptedBy = ""
	res, err := Transition(inc, Input{Actor: "carol@example.com", Text: "but it is a bug", At: t0}, roles)
	if err != nil {
		t.Fatal(err)
	}
	if got := recipients(res)[NoticeComment]; !slices.Equal(got, []string{"alice@example.com"}) {
		t.Fatalf("comment went to %v, want the evaluator", got)
	}
	if r := ReceiptFor(res, roles); r.Kind != NoticeReceipt || !slices.Equal(r.To, []string{"carol@example.com"}) || len(r.Receipt.Next) != 0 {
		t.Fatalf("receipt %+v", r)
	}
}

func TestReceiptOfCorrection(t *testing.T) {
	res, err := Transition(incident(Reported), Input{Actor: "carol@example.com", Text: "Prioridad: Alta",
		Corrections: []Correction{{Field: FieldPriority, Value: string(PriorityHigh)}}, At: t0}, roles)
	if err != nil {
		t.Fatal(err)
	}
	n := ReceiptFor(res, roles)
	if r := n.Receipt; r.Event != EventUpdated || !slices.Equal(r.Next, []string{"alice@example.com"}) {
		t.Fatalf("receipt %+v", r)
	}
	// The changes travel as data, for the reader's language; the text is
	// what the mail said, without the history's English change lines.
	if want := []Change{{Field: "priority", To: string(PriorityHigh)}}; !slices.Equal(n.Changes, want) || strings.Contains(n.Text, "→") {
		t.Errorf("receipt changes %+v, text %q; want %+v and no change line", n.Changes, n.Text, want)
	}
}
