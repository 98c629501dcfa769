package token

import "strings"

// messageIDPrefix starts the local part of our Message-IDs.
const messageIDPrefix = "inc-"

// MessageID is the Message-ID (without <>) of a notification carrying tok:
// "inc-<token>.<unique>@<domain>". unique tells apart the mails that carry
// the same token; it must not hold '@'.
func MessageID(tok, unique, domain string) string {
	return messageIDPrefix + tok + "." + unique + "@" + strings.ToLower(domain)
}

// FromMessageID returns the token of one of our Message-IDs (with or
// without <>) whose domain is domain; false for any other Message-ID.
func FromMessageID(id, domain string) (string, bool) {
	id = strings.ToLower(strings.Trim(strings.TrimSpace(id), "<>"))
	local, dom, ok := strings.Cut(id, "@")
	if !ok || dom != strings.ToLower(domain) {
		return "", false
	}
	rest, ok := strings.CutPrefix(local, messageIDPrefix)
	if !ok {
		return "", false
	}
	tok, unique, ok := strings.Cut(rest, ".")
	if !ok || tok == "" || unique == "" || !plausible(tok) {
		return "", false
	}
	return tok, true
}

// Address is the reply address of mailbox (incidents@example.com) that
// carries tok: incidents+<token>@example.com. Without a token it is the
// mailbox.
func Address(mailbox, tok string) string {
	local, domain, ok := strings.Cut(mailbox, "@")
	if !ok || tok == "" {
		return mailbox
	}
	return local + "+" + tok + "@" + domain
}

// FromAddress returns the token of a sub-address of mailbox; false for any
// other address. Case does not matter.
func FromAddress(addr, mailbox string) (string, bool) {
	addr = strings.ToLower(strings.TrimSpace(addr))
	local, domain, ok := strings.Cut(strings.ToLower(mailbox), "@")
	if !ok {
		return "", false
	}
	l, d, ok := strings.Cut(addr, "@")
	if !ok || d != domain {
		return "", false
	}
	tok, ok := strings.CutPrefix(l, local+"+")
	if !ok || !plausible(tok) {
		return "", false
	}
	return tok, true
}

// plausible reports whether tok has the shape of a token: digits, '-',
// base32 letters.
func plausible(tok string) bool {
	id, mac, ok := strings.Cut(tok, "-")
	if !ok || id == "" || mac == "" {
		return false
	}
	for _, c := range id {
		if c < '0' || c > '9' {
			return false
		}
	}
	for _, c := range mac {
		if (c < 'a' || c > 'z') && (c < '2' || c > '7') {
			return false
		}
	}
	return true
}
