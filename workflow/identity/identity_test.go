package identity

import (
	"slices"
	"strings"
	"testing"

	"incidentd/workflow"
	"incidentd/workflow/store"
	"incidentd/workflow/token"
)

func testIdentity(t *testing.T) Identity {
	t.Helper()
	key, err := token.New([]byte("a test secret of enough bytes"))
	if err != nil {
		t.Fatal(err)
	}
	return New(key, "Incidents@Example.COM")
}

// TestOutgoing: the Message-ID and the Reply-To of a notice are exactly
// those mail already sent carries, so that replies to it still match.
func TestOutgoing(t *testing.T) {
	id := testIdentity(t)
	n := workflow.Notice{Kind: workflow.NoticeNew, Incident: workflow.Incident{ID: 7}}
	mid := id.MessageIDs("mail-key")(n, "alice@example.com")
	if want := "inc-7-ft5vpicvwi4pxdra.76f6d636266d942cdcd96d6f@example.com"; mid != want {
		t.Fatalf("Message-ID %q, want %q", mid, want)
	}
	if again := id.MessageIDs("mail-key")(n, "alice@example.com"); again != mid {
		t.Errorf("the same cause gave %q, then %q", mid, again)
	}
	if other := id.MessageIDs("other-key")(n, "alice@example.com"); other == mid {
		t.Errorf("two causes gave the same Message-ID %q", mid)
	}
	if got, want := id.ReplyTo(store.Outgoing{MessageID: mid}), "Incidents+7-ft5vpicvwi4pxdra@Example.COM"; got != want {
		t.Errorf("Reply-To %q, want %q", got, want)
	}
	if got := id.ReplyTo(store.Outgoing{MessageID: "report@example.com"}); got != "Incidents@Example.COM" {
		t.Errorf("Reply-To of a Message-ID without a token: %q", got)
	}
}

// TestZero: the zero Identity signs nothing, finds nothing, and leaves
// the Reply-To to the sender.
func TestZero(t *testing.T) {
	var id Identity
	n := workflow.Notice{Kind: workflow.NoticeUnknown}
	mid := id.MessageIDs("c")(n, "bob@example.com")
	if want := "inc-.64b2deb6b60ef6089cd5c71f@incidentd.invalid"; mid != want {
		t.Errorf("Message-ID %q, want %q", mid, want)
	}
	if rt := id.ReplyTo(store.Outgoing{MessageID: mid}); rt != "" {
		t.Errorf("Reply-To %q", rt)
	}
	if id.Ours(mid) || id.Incidents("bob@example.com", []string{"incidents+1-aaaa@example.com"}, []string{mid}) != nil {
		t.Error("the zero Identity recognised a token")
	}
}

// TestIncoming: the tokens of an answer name their incidents only for
// the recipient they were signed for, addresses first.
func TestIncoming(t *testing.T) {
	id := testIdentity(t)
	toAlice := func(inc int64) workflow.Notice {
		return workflow.Notice{Kind: workflow.NoticeNew, Incident: workflow.Incident{ID: inc}}
	}
	first := id.MessageIDs("k")(toAlice(1), "alice@example.com")
	second := id.MessageIDs("k")(toAlice(2), "alice@example.com")
	forBob := id.MessageIDs("k")(toAlice(3), "bob@example.com")
	addr := strings.ToUpper(id.ReplyTo(store.Outgoing{MessageID: second}))
	got := id.Incidents("alice@example.com", []string{"carol@example.com", addr}, []string{"<" + first + ">", forBob})
	if want := []int64{2, 1}; !slices.Equal(got, want) {
		t.Errorf("Incidents = %v, want %v", got, want)
	}
	if !id.Ours("<"+first+">") || id.Ours("report@example.com") || id.Ours(strings.Replace(first, "example.com", "example.org", 1)) {
		t.Error("Ours does not tell our Message-IDs from others")
	}
}

func TestReferences(t *testing.T) {
	for _, c := range []struct {
		root, last string
		want       []string
	}{
		{"", "", nil},
		{"r@x", "", []string{"r@x"}},
		{"", "m@x", []string{"m@x"}},
		{"r@x", "r@x", []string{"r@x"}},
		{"r@x", "m@x", []string{"r@x", "m@x"}},
	} {
		if got := References(c.root, c.last); !slices.Equal(got, c.want) || (c.want == nil && got != nil) {
			t.Errorf("References(%q, %q) = %q, want %q", c.root, c.last, got, c.want)
		}
	}
}
