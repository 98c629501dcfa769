// Package identity owns who incidentd is in the mail it sends, and how it
// knows that mail again when an answer comes back (SPEC §4): the
// Message-ID of each notice, which carries the reply token of its
// incident and recipient and is derived from what caused the notice; the
// Reply-To sub-address, which carries the same token; the References that
// thread a notice; and, in incoming mail, the incidents its tokens name
// and whether a Message-ID is one of ours. The token itself, its MAC and
// how it is written into an address or a Message-ID, is package token's.
//
// An Identity is built once, from the token key and the service's own
// address, and given to the processor of incoming mail, the scheduled
// jobs and the outbox dispatcher.
package identity

import (
	"strings"

	"incidentd/workflow/token"
)

// Identity is the service's own address and the key of its reply tokens.
// The zero Identity has no address and signs no token.
type Identity struct {
	key     token.Key
	address string
}

// New returns the Identity of address (incidents@example.com), whose
// tokens key signs. The domain of its Message-IDs is that of address.
func New(key token.Key, address string) Identity {
	return Identity{key: key, address: address}
}

// Address is the service's own address: the sender of its notices, the
// actor of its scheduled work, and the mailbox its replies come to.
func (i Identity) Address() string { return i.address }

// domain is the lower-case domain of the address, that of our
// Message-IDs; "incidentd.invalid" when the address has none.
func (i Identity) domain() string {
	if at := strings.LastIndexByte(i.address, '@'); at >= 0 {
		return strings.ToLower(i.address[at+1:])
	}
	return "incidentd.invalid"
}
