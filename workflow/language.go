package workflow

// englishKeywords are the keywords, folded, that are English; the others
// are Spanish, but for sharedKeywords.
var englishKeywords = map[string]bool{
	"ACCEPT": true, "ACCEPTED": true, "APPROVE": true, "APPROVED": true,
	"REJECT": true, "REJECTED": true, "DECLINED": true,
	"RESOLVE": true, "RESOLVED": true, "FIXED": true, "NEEDINFO": true,
	"CONFIRM": true, "CONFIRMED": true, "VERIFIED": true,
	"REOPEN": true, "REOPENED": true,
}

// sharedKeywords are written alike in English and Spanish.
var sharedKeywords = map[string]bool{"INFO": true}

// CommandLanguage says in which language the keyword of a reply's new
// text, the one ParseCommand acts on, is written: "en" or "es". It
// reports false when the text holds no command, or one whose keyword both
// languages write alike (INFO).
func CommandLanguage(newText string) (string, bool) {
	if _, found, err := ParseCommand(newText); !found || err != nil {
		return "", false
	}
	lines, first := commandLines(newText)
	word := Fold(leadingWord(lines[first]).word)
	switch {
	case sharedKeywords[word]:
		return "", false
	case englishKeywords[word]:
		return "en", true
	}
	return "es", true
}
