package identity

import "incidentd/workflow/token"

// Incidents lists the incidents named by the reply tokens of a mail from
// sender that were signed for sender: those of its recipient addresses
// (sub-addresses of ours) first, then those of messageIDs (ours), each
// list in the order given. A token for another recipient or another
// domain, or one that was altered, names nothing; under the zero Identity
// nothing does.
func (i Identity) Incidents(sender string, addresses, messageIDs []string) []int64 {
	if !i.key.Valid() {
		return nil
	}
	var toks []string
	for _, a := range addresses {
		if t, ok := token.FromAddress(a, i.address); ok {
			toks = append(toks, t)
		}
	}
	for _, id := range messageIDs {
		if t, ok := token.FromMessageID(id, i.domain()); ok {
			toks = append(toks, t)
		}
	}
	var out []int64
	for _, t := range toks {
		if n, ok := i.key.Verify(t, sender); ok && n != 0 {
			out = append(out, n)
		}
	}
	return out
}

// Ours reports whether id (with or without <>) is one of our Message-IDs:
// one under our domain that carries a reply token.
func (i Identity) Ours(id string) bool {
	_, ok := token.FromMessageID(id, i.domain())
	return ok
}
