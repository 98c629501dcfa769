package mailin

import (
	"slices"
	"strings"

	"incidentd/mailin/parse"
)

// The command authentication policies of SPEC §5 (Processor.CommandAuth).
const (
	// AuthToken: a command counts only when its mail carries a valid reply
	// token bound to the incident and to the sender. The default.
	AuthToken = "token"
	// AuthDMARC: a command counts only when the topmost
	// Authentication-Results of a trusted authserv-id shows dmarc=pass or
	// an aligned dkim=pass.
	AuthDMARC = "dmarc"
	// AuthSender: the From address alone; for closed set-ups only.
	AuthSender = "sender"
)

// tokenIncidents lists the incidents named by the tokens of msg that were
// signed for its sender: in a recipient address (To, Cc, Delivered-To,
// X-Original-To) first, then in In-Reply-To, then in References, newest
// first. A token for another recipient, or an altered one, names nothing.
func (p *Processor) tokenIncidents(msg *parse.Message, tr trace) []int64 {
	var addrs []string
	for _, list := range [][]parse.Address{msg.To, msg.Cc} {
		for _, a := range list {
			addrs = append(addrs, a.Address)
		}
	}
	addrs = append(addrs, tr.recipients...)
	ids := append([]string{}, msg.InReplyTo...)
	for i := len(msg.References) - 1; i >= 0; i-- {
		ids = append(ids, msg.References[i])
	}
	return p.Identity.Incidents(msg.From.Address, addrs, ids)
}

// authenticated reports whether the mail passes the command policy for
// the incident it matched.
func (p *Processor) authenticated(msg *parse.Message, tr trace, m matchResult) bool {
	switch p.CommandAuth {
	case AuthSender:
		return true
	case AuthDMARC:
		_, domain, _ := strings.Cut(msg.From.Address, "@")
		return dmarcPass(tr.authResults, p.TrustedAuthservIDs, domain)
	}
	return m.token
}

// ownMail says why a mail is one of ours come back: our loop marker, a
// Message-ID of ours, or our own address (or a sub-address of it) as
// sender; "" otherwise.
func (p *Processor) ownMail(msg *parse.Message, tr trace) string {
	if p.Identity.Address() == "" {
		return ""
	}
	addr := strings.ToLower(p.Identity.Address())
	local, domain, _ := strings.Cut(addr, "@")
	from := msg.From.Address
	switch {
	case strings.EqualFold(from, addr) || (strings.HasPrefix(from, local+"+") && strings.HasSuffix(from, "@"+domain)):
		return "sent by incidentd itself"
	case slices.Contains(tr.xLoop, addr):
		return "X-Loop: " + addr
	}
	if p.Identity.Ours(msg.MessageID) {
		return "a Message-ID of incidentd's own"
	}
	return ""
}
