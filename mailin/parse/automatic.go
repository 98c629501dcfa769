package parse

import (
	"strings"

	"github.com/emersion/go-message"
)

// automatic says why a mail was sent by a program rather than a person,
// "" when nothing says so (SPEC §5). The signals, strongest first:
// Auto-Submitted other than "no"; Precedence bulk, junk, list or
// auto_reply; X-Autoreply, X-Autorespond; X-Apple-Action: VACATION;
// mailing-list headers (List-Id, List-Unsubscribe); a null return path; a
// multipart/report (delivery and read receipts, abuse reports); a sender
// such as MAILER-DAEMON or postmaster; and, last, a subject that an
// out-of-office or bounce message uses.
//
// X-Auto-Response-Suppress alone is not a signal: Outlook puts it on
// meeting invitations and on mail sent by people through some gateways; it
// only asks us not to answer automatically, which rate limiting covers.
func automatic(h message.Header, from string, report bool, subject string) string {
	if v := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted"))); v != "" && !strings.HasPrefix(v, "no") {
		return "Auto-Submitted: " + v
	}
	switch v := strings.ToLower(strings.TrimSpace(h.Get("Precedence"))); v {
	case "bulk", "junk", "list", "auto_reply":
		return "Precedence: " + v
	}
	for _, k := range []string{"X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Auto-Reply"} {
		if v := strings.TrimSpace(h.Get(k)); v != "" && !strings.EqualFold(v, "no") {
			return k
		}
	}
	if strings.EqualFold(strings.TrimSpace(h.Get("X-Apple-Action")), "vacation") {
		return "X-Apple-Action: VACATION"
	}
	for _, k := range []string{"List-Id", "List-Unsubscribe", "List-Post"} {
		if h.Get(k) != "" {
			return k
		}
	}
	if rp := h.Get("Return-Path"); rp != "" && nullPath(rp) {
		return "null return path"
	}
	if report {
		return "multipart/report"
	}
	if h.Get("X-Failed-Recipients") != "" {
		return "X-Failed-Recipients"
	}
	local, _, _ := strings.Cut(strings.ToLower(from), "@")
	switch local {
	case "mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon":
		return "sender " + local
	}
	if s := automaticSubject(subject); s != "" {
		return s
	}
	return ""
}

// nullPath reports whether a Return-Path is the null sender "<>".
func nullPath(rp string) bool {
	return strings.Join(strings.Fields(rp), "") == "<>"
}

// autoSubjects start the subjects of out-of-office replies and bounces,
// folded, in English, Spanish, French, German, Dutch, Italian,
// Portuguese, Swedish, Danish, Norwegian, Polish and Czech.
var autoSubjects = []string{
	"OUT OF OFFICE", "OUT OF THE OFFICE", "AUTOMATIC REPLY", "AUTO REPLY", "AUTO-REPLY", "AUTOREPLY",
	"AUTO RESPONSE", "AUTORESPONSE", "AUTOMATIC RESPONSE", "VACATION REPLY",
	"RESPUESTA AUTOMATICA", "FUERA DE LA OFICINA", "FUERA DE OFICINA",
	"REPONSE AUTOMATIQUE", "ABSENCE:", "ABSENCE DU BUREAU", "ABWESENHEITSNOTIZ", "ABWESENHEIT:",
	"AUTOMATISCHE ANTWORT", "AUTOMATISCHE AUSKUNFT", "AFWEZIG", "AUTOMATISCH ANTWOORD",
	"RISPOSTA AUTOMATICA", "FUORI SEDE", "FUORI UFFICIO", "RESPOSTA AUTOMATICA", "FORA DO ESCRITORIO",
	"AUTOSVAR", "FRANVARO", "FRAVAERENDE", "FRAVAER", "ODPOWIEDZ AUTOMATYCZNA", "AUTOMATICKA ODPOVED",
	"UNDELIVERABLE", "UNDELIVERED MAIL", "DELIVERY STATUS NOTIFICATION", "MAIL DELIVERY FAILED",
	"DELIVERY FAILURE", "RETURNED MAIL", "NON REMIS", "NON-REMIS", "NO SE PUEDE ENTREGAR",
	"UNZUSTELLBAR", "WARNING: DELAYED", "DELAYED MAIL", "READ:", "LEIDO:", "LU :", "GELESEN:",
}

// automaticSubject reports a subject that only automatic mail uses.
func automaticSubject(subject string) string {
	s := fold(subject)
	for _, w := range autoSubjects {
		if strings.HasPrefix(s, w) {
			return "out-of-office subject"
		}
	}
	return ""
}
