package parse

import (
	"strings"

	"incidentd/workflow"
)

// Report reads the fields of a report (SPEC §3) from its text, which
// should be the NewText of the mail so that signatures do not count; a
// sign-off without the "-- " delimiter does not count either (see
// WithoutSignoff).
//
// Fields are "Label: value" lines. Description and steps run over the
// following lines until the next label or the end; type, priority and
// system take one line (the label's, or the next non-empty one) and the
// lines after them are description. Labels are English or Spanish, case-
// and accent-insensitive, and may be decorated as markdown ("**Tipo:**",
// "- Priority:"). Text outside any label is description, joined after
// the labelled description.
//
// A type or priority that is missing or not understood takes the value
// of defaults and is reported as an Assumption (Given empty when the
// report said nothing). A missing system stays empty and is reported as
// an Assumption with Used "" so that the acknowledgement can say how to
// give it; a missing description is not an assumption (the title stands
// for it).
func Report(text string, defaults workflow.Fields) (workflow.Fields, []workflow.Assumption) {
	values := map[string][]string{}
	field := "free"
	for _, line := range strings.Split(WithoutSignoff(clean(text)), "\n") {
		if name, value, ok := reportLabel(line); ok {
			field = name
			values[field] = append(values[field], value)
			if value != "" && oneLineField(field) {
				field = "free"
			}
			continue
		}
		if field == "steps" && afterBlank(values[field]) && !listItem(line) {
			// A sentence after the steps, past a blank line ("Adjunto
			// captura.") is description again.
			field = "free"
		}
		values[field] = append(values[field], line)
		if strings.TrimSpace(line) != "" && oneLineField(field) {
			field = "free"
		}
	}
	get := func(name string) string { return trimBlank(values[name]) }

	out := workflow.Fields{System: oneLine(get("system")), Steps: get("steps")}
	out.Description = strings.TrimSpace(get("description") + "\n\n" + get("free"))
	var assumed []workflow.Assumption

	given := oneLine(get("type"))
	if t, ok := workflow.ParseType(given); ok {
		out.Type = t
	} else {
		out.Type = defaults.Type
		assumed = append(assumed, workflow.Assumption{Field: "type", Given: given, Used: string(defaults.Type)})
	}
	given = oneLine(get("priority"))
	if p, ok := workflow.ParsePriority(given); ok {
		out.Priority = p
	} else {
		out.Priority = defaults.Priority
		assumed = append(assumed, workflow.Assumption{Field: "priority", Given: given, Used: string(defaults.Priority)})
	}
	if out.System == "" {
		out.System = defaults.System
		assumed = append(assumed, workflow.Assumption{Field: "system", Used: defaults.System})
	}
	return out, assumed
}

// IsField reports whether line is a "Label: value" line of a report
// ("Prioridad: Alta"), which is no attempt at a command.
func IsField(line string) bool {
	_, _, ok := reportLabel(line)
	return ok
}

// reportLabel reads a "Label: value" line of a report.
func reportLabel(line string) (field, value string, ok bool) {
	key, value, ok := labelKey(line)
	if !ok {
		return "", "", false
	}
	switch key {
	case "TYPE", "TIPO", "TIPO DE INCIDENTE", "TIPO DE INCIDENCIA", "INCIDENT TYPE":
		return "type", value, true
	case "PRIORITY", "PRIORIDAD":
		return "priority", value, true
	case "SYSTEM", "SISTEMA", "SYSTEMA":
		return "system", value, true
	case "DESCRIPTION", "DESCRIPCION":
		return "description", value, true
	case "STEPS", "STEPS TO REPRODUCE", "PASOS", "PASOS PARA RECREAR EL ERROR",
		"PASOS PARA REPRODUCIR", "PASOS PARA REPRODUCIR EL ERROR", "STEPS TO REPRODUCE THE ERROR":
		return "steps", value, true
	}
	return "", "", false
}

// labelKey reads the label of a "Label: value" line, folded, and its
// value, whatever the label.
func labelKey(line string) (key, value string, ok bool) {
	s := strings.TrimLeft(line, " \t*_-•#>")
	colon := strings.IndexAny(s, ":：")
	if colon <= 0 || colon > 40 {
		return "", "", false
	}
	key = fold(strings.Trim(s[:colon], " \t*_"))
	rest := strings.TrimLeft(s[colon:], ":：")
	return key, strings.TrimSpace(strings.Trim(strings.TrimSpace(rest), "*_")), true
}

// afterBlank reports whether the last of lines, read so far, is blank
// and some before it is not.
func afterBlank(lines []string) bool {
	n := len(lines)
	return n > 0 && strings.TrimSpace(lines[n-1]) == "" && strings.TrimSpace(strings.Join(lines, "")) != ""
}

// listItem reports whether line goes on a list of steps: blank, indented,
// numbered ("2.", "3)") or bulleted.
func listItem(line string) bool {
	if strings.TrimSpace(line) == "" || strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t") {
		return true
	}
	if strings.ContainsAny(line[:1], "-*•#") {
		return true
	}
	digits := strings.TrimLeft(line, "0123456789")
	return len(digits) < len(line) && (strings.HasPrefix(digits, ".") || strings.HasPrefix(digits, ")"))
}

// oneLineField reports whether a field's value is one line: its first
// non-empty line after the label; what follows is description.
func oneLineField(field string) bool {
	return field == "type" || field == "priority" || field == "system"
}

// oneLine joins a value's lines with spaces, for one-line fields.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
