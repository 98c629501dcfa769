package workflow

import (
	"maps"
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
	// Watch and Unwatch start and stop following an incident (watch.go).
	Watch   Verb = "watch"
	Unwatch Verb = "unwatch"
	// Take assigns an incident to the resolver who writes it; Assign hands
	// it to the resolver an "Assign:" line names (assign.go). Assign has no
	// keyword: the line is read with the reply's fields.
	Take   Verb = "take"
	Assign Verb = "assign"
)

// Command is a keyword found at the start of a reply's new text and what
// follows it.
type Command struct {
	Verb     Verb
	Argument string
}

// keywordsIn are the keywords of each language, folded (upper case, no
// accents), with their verbs: the imperative people are told to write, and
// the forms they write instead (participles of either gender, the first
// person, the past). A keyword written alike in both (INFO) is in both.
var keywordsIn = map[string]map[string]Verb{
	"en": {
		"ACCEPT": Accept, "ACCEPTED": Accept, "APPROVE": Accept, "APPROVED": Accept,
		"REJECT": Reject, "REJECTED": Reject, "DECLINED": Reject,
		"RESOLVED": Resolve, "RESOLVE": Resolve, "FIXED": Resolve,
		"INFO": RequestInfo, "NEEDINFO": RequestInfo,
		"CONFIRM": Confirm, "CONFIRMED": Confirm, "VERIFIED": Confirm,
		"REOPEN": Reopen, "REOPENED": Reopen,
		// Not FOLLOW ("Follow-up: …").
		"WATCH": Watch, "SUBSCRIBE": Watch,
		"UNWATCH": Unwatch, "UNSUBSCRIBE": Unwatch,
		"TAKE": Take,
	},
	"es": {
		"ACEPTAR": Accept, "ACEPTO": Accept, "ACEPTADO": Accept, "ACEPTADA": Accept, "ACEPTAMOS": Accept,
		"APROBADO": Accept, "APROBADA": Accept, "APRUEBO": Accept,
		"RECHAZAR": Reject, "RECHAZO": Reject, "RECHAZADO": Reject, "RECHAZADA": Reject, "RECHAZAMOS": Reject,
		"DENEGADO": Reject, "DENEGADA": Reject,
		"RESUELTO": Resolve, "RESUELTA": Resolve, "RESOLVER": Resolve, "RESUELVO": Resolve,
		"SOLUCIONADO": Resolve, "SOLUCIONADA": Resolve, "ARREGLADO": Resolve, "ARREGLADA": Resolve,
		"CORREGIDO": Resolve, "CORREGIDA": Resolve,
		"INFO": RequestInfo, "INFORMACION": RequestInfo,
		"CONFIRMAR": Confirm, "CONFIRMO": Confirm, "CONFIRMADO": Confirm, "CONFIRMADA": Confirm,
		"VERIFICADO": Confirm, "VERIFICADA": Confirm,
		"REABRIR": Reopen, "REABRO": Reopen, "REABIERTO": Reopen, "REABIERTA": Reopen,
		// Not SIGO nor DEJO: they open ordinary sentences ("Sigo sin poder
		// entrar", "Dejo adjunto el log").
		"SEGUIR": Watch, "SEGUIRLA": Watch, "SUSCRIBIRME": Watch,
		"DEJAR": Unwatch, "DESUSCRIBIRME": Unwatch,
		// Not TOMO ("Tomo nota").
		"TOMAR": Take,
	},
}

// keywords are the keywords of both languages.
var keywords = func() map[string]Verb {
	all := map[string]Verb{}
	for _, words := range keywordsIn {
		maps.Copy(all, words)
	}
	return all
}()

// IsKeyword reports whether s is a command keyword, in any case and
// with or without accents.
func IsKeyword(s string) bool {
	_, ok := keywords[FoldLabel(s)]
	return ok
}

// Keyword returns the English and Spanish keyword of a verb, for messages
// that tell people what to write.
func (v Verb) Keyword(lang string) string {
	if lang == "es" {
		return keywordES[v]
	}
	return keywordEN[v]
}

// keywordES and keywordEN are the keyword each verb is written with in
// the notices.
var (
	keywordES = map[Verb]string{Accept: "ACEPTAR", Reject: "RECHAZAR", Resolve: "RESUELTO",
		RequestInfo: "INFO", Confirm: "CONFIRMAR", Reopen: "REABRIR", Watch: "SEGUIR", Unwatch: "DEJAR",
		Take: "TOMAR", Assign: "ASIGNAR"}
	keywordEN = map[Verb]string{Accept: "ACCEPT", Reject: "REJECT", Resolve: "RESOLVED",
		RequestInfo: "INFO", Confirm: "CONFIRM", Reopen: "REOPEN", Watch: "WATCH", Unwatch: "UNWATCH",
		Take: "TAKE", Assign: "ASSIGN"}
)

// ParseCommand reads the command of a reply from its new text: a keyword
// at the start of the first non-empty line, optionally followed by ':' and
// an argument that may run over the following lines. A salutation line
// ("Hola,", "Hi Alice,") and an interjection ("OK, ", "Vale. ") before the
// keyword are passed over. It returns found = false when there is no
// keyword (NearMiss then tells whether the line looks like one). When
// another line of the new text starts with a different keyword followed by
// ':' or standing alone, the reply is ambiguous and ParseCommand returns a
// *Refusal with reason Conflict.
func ParseCommand(newText string) (cmd Command, found bool, err error) {
	lines, first := commandLines(newText)
	if first < 0 {
		return Command{}, false, nil
	}
	w := leadingWord(lines[first])
	verb, rest, ok := w.keyword(false)
	if !ok {
		return Command{}, false, nil
	}
	for _, l := range lines[first+1:] {
		if other, _, ok := leadingWord(l).keyword(true); ok && other != verb {
			return Command{}, false, &Refusal{Reason: Conflict, Verb: verb, Other: other}
		}
	}
	arg := strings.TrimSpace(rest + "\n" + strings.Join(lines[first+1:], "\n"))
	return Command{Verb: verb, Argument: arg}, true, nil
}

// A NearMiss is the first word of a reply that looks like a command and
// is not one: the sender is asked what they meant, and the mail is kept as
// a comment.
type NearMiss struct {
	// Written is the word as the sender wrote it.
	Written string
	// Meant is the verb the word is closest to; "" when it is none.
	Meant Verb
	// Line is the line the word opens, as written.
	Line string
}

// FindNearMiss reports whether the first line of a reply's new text looks
// like a command that ParseCommand did not take: a keyword used in a
// sentence ("Confirmo que sigue fallando", which may mean the opposite), a
// keyword misspelt by one letter ("ACEPTRA", "Resulto:"), or an unknown
// word in capitals followed by ':' ("CERRAR: ya está"). It finds nothing
// in a reply that holds a command. The caller leaves out lines that are
// fields ("PRIORIDAD: Alta"), which this package does not know.
func FindNearMiss(newText string) (NearMiss, bool) {
	if _, found, err := ParseCommand(newText); found || err != nil {
		return NearMiss{}, false
	}
	lines, first := commandLines(newText)
	if first < 0 {
		return NearMiss{}, false
	}
	w := leadingWord(lines[first])
	if w.word == "" {
		return NearMiss{}, false
	}
	miss := NearMiss{Written: w.word, Line: strings.TrimSpace(lines[first])}
	folded := Fold(w.word)
	if verb, ok := keywords[folded]; ok {
		// A keyword that did not act is followed by words.
		miss.Meant = verb
		return miss, w.inSentence()
	}
	shouting := w.word == strings.ToUpper(w.word) && len([]rune(w.word)) >= 3
	if !shouting && !w.colon() && strings.TrimSpace(w.rest) != "" {
		// A lower-case word in a sentence is prose, however close to a
		// keyword it is ("Mixed results").
		return NearMiss{}, false
	}
	if verb, ok := closestKeyword(folded); ok {
		miss.Meant = verb
		return miss, true
	}
	return miss, shouting && w.colon() && !notCommands[folded]
}

// notCommands are words in capitals followed by ':' that are no attempt
// at a command.
var notCommands = map[string]bool{
	"FYI": true, "NOTE": true, "NOTA": true, "PS": true, "PD": true, "RE": true, "FW": true,
	"FWD": true, "RV": true, "TODO": true, "OK": true, "URL": true, "HTTP": true, "HTTPS": true,
	"IMPORTANT": true, "IMPORTANTE": true, "UPDATE": true, "ACTUALIZACION": true, "EDIT": true,
}

// closestKeyword is the verb of the keyword one edit (a letter added,
// dropped, changed, or two swapped) away from folded, which has five
// letters or more.
func closestKeyword(folded string) (Verb, bool) {
	if len(folded) < 5 {
		return "", false
	}
	for k, verb := range keywords {
		if len(k) >= 5 && oneEdit(folded, k) {
			return verb, true
		}
	}
	return "", false
}

// oneEdit reports whether a and b, in ASCII upper case, differ by exactly
// one edit: an insertion, a deletion, a substitution or the swap of two
// neighbouring letters.
func oneEdit(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(b)-len(a) > 1 || a == b {
		return false
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	if len(a) < len(b) {
		return a[i:] == b[i+1:]
	}
	return a[i+1:] == b[i+1:] ||
		i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
}

// commandLines splits the new text into lines and returns the index of
// the line where a command would stand: the first that is not empty nor
// a salutation. It is -1 when there is none.
func commandLines(newText string) ([]string, int) {
	lines := strings.Split(strings.ReplaceAll(newText, "\r\n", "\n"), "\n")
	first := -1
	for i, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		if first < 0 && isSalutation(l) {
			first = -2 // passed over, once
			continue
		}
		return lines, i
	}
	return lines, -1
}

// salutations open a salutation line, folded; a line of a few words that
// starts with one of them and holds no keyword is passed over.
var salutations = map[string]bool{
	"HOLA": true, "BUENAS": true, "BUENOS": true, "BUEN": true, "ESTIMADO": true, "ESTIMADA": true,
	"ESTIMADOS": true, "ESTIMADAS": true, "QUERIDO": true, "QUERIDA": true, "SALUDOS": true,
	"HI": true, "HELLO": true, "HEY": true, "DEAR": true, "GOOD": true, "GREETINGS": true, "MORNING": true,
}

// isSalutation reports whether line is a salutation: "Hola,", "Buenos
// días Alice:", "Hi team!".
func isSalutation(line string) bool {
	w := leadingWord(line)
	words := strings.Fields(line)
	if !salutations[Fold(w.word)] || len(words) > 5 {
		return false
	}
	for _, f := range words[1:] {
		if _, ok := keywords[Fold(strings.Trim(f, ",.:;!¡*_"))]; ok {
			return false
		}
	}
	return true
}

// interjections may stand before a keyword on its line, followed by a
// punctuation mark: "OK, aceptado", "Vale. RESUELTO".
var interjections = map[string]bool{
	"OK": true, "OKAY": true, "VALE": true, "SI": true, "YES": true, "PERFECTO": true, "PERFECT": true,
	"GRACIAS": true, "THANKS": true, "HOLA": true, "HI": true, "HELLO": true, "BIEN": true, "GREAT": true,
}

// thanks may follow a keyword without punctuation: "Aceptado gracias".
var thanks = map[string]bool{"GRACIAS": true, "THANKS": true, "THANK": true, "THX": true}

// firstWord is the first word of a line and what follows it.
type firstWord struct {
	word string // letters only; "" when the line starts otherwise
	rest string // what follows the word
}

// leadingWord reads the first word of line, past emphasis marks and an
// interjection.
func leadingWord(line string) firstWord {
	line = strings.TrimLeft(line, " \t*_¡")
	end := strings.IndexFunc(line, func(r rune) bool { return !unicode.IsLetter(r) })
	if end < 0 {
		return firstWord{word: line}
	}
	w := firstWord{word: line[:end], rest: line[end:]}
	if interjections[Fold(w.word)] && strings.ContainsAny(w.rest[:1], ",.!") {
		if next := leadingWord(strings.TrimLeft(w.rest, ",.!")); next.word != "" {
			return next
		}
	}
	return w
}

// colon reports whether the word is followed by ':'.
func (w firstWord) colon() bool {
	return strings.HasPrefix(strings.TrimLeft(w.rest, " \t*_"), ":")
}

// inSentence reports whether the word is followed by other words without
// a punctuation mark between them.
func (w firstWord) inSentence() bool {
	rest := strings.TrimLeft(w.rest, " \t*_")
	return rest != "" && rest != w.rest && unicode.IsLetter([]rune(rest)[0])
}

// keyword reports whether the word is a keyword that acts, and returns
// the rest of its line. The keyword must be followed by the end of the
// line or ':'; unless strict, also by a punctuation mark ("CONFIRMAR, ya
// funciona"), by thanks ("Aceptado gracias"), or, when it is written in
// capitals, by a space and more words ("ACCEPT looks valid"). A keyword in
// small letters in a sentence ("Confirmo que sigue fallando") is no
// command: FindNearMiss asks what was meant.
func (w firstWord) keyword(strict bool) (Verb, string, bool) {
	verb, ok := keywords[Fold(w.word)]
	if !ok {
		return "", "", false
	}
	rest := strings.TrimLeft(w.rest, " \t*_")
	switch {
	case rest == "":
	case strings.HasPrefix(rest, ":"):
		rest = rest[1:]
	case strict:
		return "", "", false
	case strings.ContainsRune(",.;!-", rune(rest[0])):
		rest = strings.TrimLeft(rest, ",.;!- ")
	case !w.inSentence():
		return "", "", false
	case w.word == strings.ToUpper(w.word) || thanks[Fold(leadingWord(rest).word)]:
	default:
		return "", "", false
	}
	if rest = strings.TrimSpace(rest); courtesy[Fold(strings.Trim(rest, " \t.,;!¡"))] {
		rest = ""
	}
	return verb, rest, true
}

// courtesy are the thanks that may follow a keyword on its line and are
// no note of it: "ACEPTADO, gracias", "Confirmed, thank you!".
var courtesy = map[string]bool{"GRACIAS": true, "MUCHAS GRACIAS": true, "MIL GRACIAS": true,
	"THANKS": true, "THANK YOU": true, "THANKS A LOT": true, "MANY THANKS": true, "THX": true}

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

// ParsePriority reads a priority in English or Spanish: the names of the
// levels, the words people use for them ("blocker", "para ayer", "ASAP"),
// and their intensified forms: "muy urgente" and "urgentísimo" are as
// critical as "urgente", "muy alta" and "altísima" are critical, "muy
// baja" is low.
func ParsePriority(s string) (Priority, bool) {
	f := strings.Join(strings.Fields(strings.Trim(Fold(s), " .!¡")), " ")
	if p, ok := priorityWords[f]; ok {
		return p, true
	}
	base, intensified := unintensified(f)
	p, ok := priorityWords[base]
	if !ok || !intensified {
		return "", false
	}
	if p == PriorityHigh {
		return PriorityCritical, true
	}
	return p, true
}

// priorityWords are the words of each priority, folded.
var priorityWords = map[string]Priority{
	"CRITICAL": PriorityCritical, "CRITICA": PriorityCritical, "CRITICO": PriorityCritical,
	"BLOCKER": PriorityCritical, "BLOCKING": PriorityCritical, "BLOQUEANTE": PriorityCritical,
	"URGENT": PriorityCritical, "URGENTE": PriorityCritical, "ASAP": PriorityCritical,
	"PARA AYER": PriorityCritical, "EMERGENCY": PriorityCritical, "EMERGENCIA": PriorityCritical,
	"SHOWSTOPPER": PriorityCritical, "INMEDIATA": PriorityCritical, "IMMEDIATE": PriorityCritical,
	"HIGH": PriorityHigh, "MAJOR": PriorityHigh, "ALTA": PriorityHigh, "ALTO": PriorityHigh,
	"IMPORTANT": PriorityHigh, "IMPORTANTE": PriorityHigh,
	"MEDIUM": PriorityMedium, "MINOR": PriorityMedium, "MEDIA": PriorityMedium, "MEDIO": PriorityMedium,
	"NORMAL": PriorityMedium, "MODERATE": PriorityMedium, "MODERADA": PriorityMedium,
	"LOW": PriorityLow, "TRIVIAL": PriorityLow, "BAJA": PriorityLow, "BAJO": PriorityLow,
	"SIN PRISA": PriorityLow, "NO URGENTE": PriorityLow, "NOT URGENT": PriorityLow,
}

// unintensified takes the intensifier off a folded priority word: "MUY
// URGENTE", "VERY HIGH", "URGENTISIMO", "ALTISIMA" (the Spanish superlative
// keeps the word's ending: URGENT-ISIMO is URGENTE, ALT-ISIMA is ALTA).
func unintensified(f string) (string, bool) {
	for _, prefix := range []string{"MUY ", "VERY ", "SUPER ", "EXTREMELY ", "EXTREMADAMENTE ", "SUMAMENTE "} {
		if rest, ok := strings.CutPrefix(f, prefix); ok {
			return rest, true
		}
	}
	for _, suffix := range []string{"ISIMO", "ISIMA"} {
		if stem, ok := strings.CutSuffix(f, suffix); ok {
			for _, ending := range []string{"E", "A", "O"} {
				if _, known := priorityWords[stem+ending]; known {
					return stem + ending, true
				}
			}
		}
	}
	return f, false
}
