package workflow

import (
	"strings"
	"unicode"
)

// Verb is what a command asks for.
type Verb string

// The commands of SPEC §2. A reply without a keyword has no verb.
const (
	Accept      Verb = "accept"
	Reject      Verb = "reject"
	Resolve     Verb = "resolve"
	RequestInfo Verb = "info"
	Confirm     Verb = "confirm"
	Reopen      Verb = "reopen"
)

// Command is a keyword found at the start of a reply's new text and what
// follows it.
type Command struct {
	Verb     Verb
	Argument string
}

// keywords maps each keyword, folded (upper case, no accents), to its verb.
var keywords = map[string]Verb{
	"ACCEPT": Accept, "ACEPTAR": Accept, "ACEPTO": Accept,
	"REJECT": Reject, "RECHAZAR": Reject, "RECHAZO": Reject,
	"RESOLVED": Resolve, "RESOLVE": Resolve, "RESUELTO": Resolve, "RESOLVER": Resolve,
	"INFO": RequestInfo, "INFORMACION": RequestInfo,
	"CONFIRM": Confirm, "CONFIRMAR": Confirm, "CONFIRMO": Confirm,
	"REOPEN": Reopen, "REABRIR": Reopen,
}

// Keyword returns the English and Spanish keyword of a verb, for messages
// that tell people what to write.
func (v Verb) Keyword(lang string) string {
	es := map[Verb]string{Accept: "ACEPTAR", Reject: "RECHAZAR", Resolve: "RESUELTO",
		RequestInfo: "INFO", Confirm: "CONFIRMAR", Reopen: "REABRIR"}
	en := map[Verb]string{Accept: "ACCEPT", Reject: "REJECT", Resolve: "RESOLVED",
		RequestInfo: "INFO", Confirm: "CONFIRM", Reopen: "REOPEN"}
	if lang == "es" {
		return es[v]
	}
	return en[v]
}

// ParseCommand reads the command of a reply from its new text: a keyword
// at the start of the first non-empty line, optionally followed by ':' and
// an argument that may run over the following lines. It returns found =
// false when there is no keyword. When another line of the new text starts
// with a different keyword followed by ':' or standing alone, the reply is
// ambiguous and ParseCommand returns a *Refusal with reason Conflict.
func ParseCommand(newText string) (cmd Command, found bool, err error) {
	lines := strings.Split(strings.ReplaceAll(newText, "\r\n", "\n"), "\n")
	first := -1
	for i, l := range lines {
		if strings.TrimSpace(l) != "" {
			first = i
			break
		}
	}
	if first < 0 {
		return Command{}, false, nil
	}
	verb, rest, ok := leadingKeyword(lines[first], false)
	if !ok {
		return Command{}, false, nil
	}
	for _, l := range lines[first+1:] {
		if other, _, ok := leadingKeyword(l, true); ok && other != verb {
			return Command{}, false, &Refusal{Reason: Conflict, Verb: verb, Other: other}
		}
	}
	arg := strings.TrimSpace(rest + "\n" + strings.Join(lines[first+1:], "\n"))
	return Command{Verb: verb, Argument: arg}, true, nil
}

// leadingKeyword reports whether line starts with a keyword. The keyword
// must be followed by the end of the line or ':'; unless strict, also by a
// space or a punctuation mark ("CONFIRMAR, ya funciona").
func leadingKeyword(line string, strict bool) (Verb, string, bool) {
	line = strings.TrimLeft(line, " \t*_")
	end := strings.IndexFunc(line, func(r rune) bool { return !unicode.IsLetter(r) })
	word, rest := line, ""
	if end >= 0 {
		word, rest = line[:end], line[end:]
	}
	verb, ok := keywords[Fold(word)]
	if !ok {
		return "", "", false
	}
	rest = strings.TrimLeft(rest, " \t*_")
	switch {
	case rest == "":
	case strings.HasPrefix(rest, ":"):
		rest = rest[1:]
	case strict:
		return "", "", false
	case unicode.IsSpace(rune(line[end])) || strings.ContainsRune(",.;!-", rune(rest[0])):
		rest = strings.TrimLeft(rest, ",.;!- ")
	default:
		return "", "", false
	}
	return verb, strings.TrimSpace(rest), true
}

// Fold upper-cases s and removes the accents of Spanish and other Latin
// letters, so that labels and keywords compare accent-insensitively.
func Fold(s string) string {
	return strings.ToUpper(accents.Replace(s))
}

var accents = strings.NewReplacer(
	"á", "a", "à", "a", "ä", "a", "â", "a", "Á", "A", "À", "A", "Ä", "A", "Â", "A",
	"é", "e", "è", "e", "ë", "e", "ê", "e", "É", "E", "È", "E", "Ë", "E", "Ê", "E",
	"í", "i", "ì", "i", "ï", "i", "î", "i", "Í", "I", "Ì", "I", "Ï", "I", "Î", "I",
	"ó", "o", "ò", "o", "ö", "o", "ô", "o", "Ó", "O", "Ò", "O", "Ö", "O", "Ô", "O",
	"ú", "u", "ù", "u", "ü", "u", "û", "u", "Ú", "U", "Ù", "U", "Ü", "U", "Û", "U",
	"ñ", "n", "Ñ", "N", "ç", "c", "Ç", "C",
)

// ParseType reads an incident type in English or Spanish.
func ParseType(s string) (Type, bool) {
	switch Fold(strings.TrimSpace(s)) {
	case "ERROR", "BUG", "FALLO", "DEFECT":
		return TypeError, true
	case "IMPROVEMENT", "MEJORA", "ENHANCEMENT":
		return TypeImprovement, true
	case "FEATURE", "NEW FEATURE", "NUEVA FUNCIONALIDAD", "FUNCIONALIDAD":
		return TypeFeature, true
	case "TASK", "TAREA":
		return TypeTask, true
	}
	return "", false
}

// ParsePriority reads a priority in English or Spanish.
func ParsePriority(s string) (Priority, bool) {
	switch Fold(strings.TrimSpace(s)) {
	case "CRITICAL", "CRITICA", "CRITICO", "BLOCKER", "URGENT", "URGENTE":
		return PriorityCritical, true
	case "HIGH", "MAJOR", "ALTA", "ALTO":
		return PriorityHigh, true
	case "MEDIUM", "MINOR", "MEDIA", "MEDIO", "NORMAL":
		return PriorityMedium, true
	case "LOW", "TRIVIAL", "BAJA", "BAJO":
		return PriorityLow, true
	}
	return "", false
}
