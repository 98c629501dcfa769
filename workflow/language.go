package workflow

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
	_, en := keywordsIn["en"][word]
	_, es := keywordsIn["es"][word]
	switch {
	case en && es:
		return "", false
	case en:
		return "en", true
	}
	return "es", true
}
