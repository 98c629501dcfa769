package parse

import (
	"strings"

	"incidentd/workflow"
)

// englishLabels are the labels of the built-in report fields, folded,
// that are English; the others are Spanish.
var englishLabels = map[string]bool{
	"TYPE": true, "INCIDENT TYPE": true, "PRIORITY": true, "SYSTEM": true, "DESCRIPTION": true,
	"STEPS": true, "STEPS TO REPRODUCE": true, "STEPS TO REPRODUCE THE ERROR": true,
}

// Language says in which language a person wrote the new text of a mail,
// from the words incidentd reads in it: the keyword of its command
// (workflow.CommandLanguage), else the labels of its report fields
// ("Priority:" is English, "Prioridad:" Spanish), the language of more of
// them winning. It returns "en" or "es", and false when the text holds
// neither a keyword nor a label, or as many labels of each language.
func Language(newText string) (string, bool) {
	if lang, ok := workflow.CommandLanguage(newText); ok {
		return lang, true
	}
	en, es := 0, 0
	for _, line := range strings.Split(WithoutSignoff(clean(newText)), "\n") {
		if _, _, ok := reportLabel(line, workflow.Form{}); !ok {
			continue
		}
		if englishLabels[fold(writtenLabel(line))] {
			en++
		} else {
			es++
		}
	}
	switch {
	case en > es:
		return "en", true
	case es > en:
		return "es", true
	}
	return "", false
}
