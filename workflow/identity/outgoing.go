package identity

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"

	"incidentd/workflow"
	"incidentd/workflow/store"
	"incidentd/workflow/token"
)

// MessageIDs makes the Message-IDs (without <>) of the notices caused by
// cause (the key of the mail handled, or a name for a scheduled job's
// run): "inc-<token>.<unique>@<domain>", where the token is that of the
// notice's incident and recipient and unique is a hash of cause, the
// notice's kind and the recipient. The same cause always gives the same
// Message-IDs, so that doing the same work twice queues nothing new.
func (i Identity) MessageIDs(cause string) store.MessageIDFunc {
	return func(n workflow.Notice, rcpt string) string {
		return token.MessageID(i.key.Sign(n.Incident.ID, rcpt), noticeKey(cause, n.Kind, rcpt), i.domain())
	}
}

// noticeKey is the unique, deterministic part of the Message-ID of notice
// kind sent to rcpt because of cause.
func noticeKey(cause string, kind workflow.NoticeKind, rcpt string) string {
	sum := sha256.Sum256([]byte(strings.Join([]string{cause, string(kind), rcpt}, "\x00")))
	return hex.EncodeToString(sum[:12])
}

// ReplyTo is the Reply-To of o: the sub-address of our address that
// carries the reply token of o's Message-ID (incidents+<token>@example.com),
// or our address alone when the Message-ID carries none. The zero Identity
// gives "".
func (i Identity) ReplyTo(o store.Outgoing) string {
	tok, ok := token.FromMessageID(o.MessageID, i.domain())
	if !ok {
		return i.address
	}
	return token.Address(i.address, tok)
}

// References are the References (oldest first) of a new mail in the
// thread whose first Message-ID is root, after the mail with Message-ID
// last (the mail it answers, or the thread's latest): each once, the
// empty ones left out; nil when none is left.
func References(root, last string) []string {
	var refs []string
	for _, id := range []string{root, last} {
		if id != "" && !slices.Contains(refs, id) {
			refs = append(refs, id)
		}
	}
	return refs
}
