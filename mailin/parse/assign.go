package parse

import (
	"net/mail"
	"strings"
)

// assignLabels are the labels of the line that names whom an incident is
// assigned to, folded.
var assignLabels = map[string]bool{
	"ASSIGN": true, "ASSIGN TO": true, "ASSIGNEE": true,
	"ASIGNAR": true, "ASIGNAR A": true, "ASIGNADO": true, "ASIGNADA": true,
}

// Assignee reads the address of the first "Assign: bob@example.com"
// ("Asignar: Bob <bob@example.com>") line of a reply's new text: the
// address when the value is one, else the value as written, for the
// refusal that says it names no resolver.
func Assignee(text string) (string, bool) {
	for line := range strings.SplitSeq(text, "\n") {
		label, value, ok := labelLine(line)
		if !ok || !assignLabels[fold(label)] || value == "" {
			continue
		}
		if a, err := mail.ParseAddress(value); err == nil {
			return a.Address, true
		}
		return value, true
	}
	return "", false
}

// isAssignLine reports whether line names an assignee.
func isAssignLine(line string) bool {
	label, _, ok := labelLine(line)
	return ok && assignLabels[fold(label)]
}
