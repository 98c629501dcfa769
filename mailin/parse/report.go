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
// Fields are "Label: value" lines, the labels those of form's fields,
// case- and accent-insensitive, and may be decorated as markdown
// ("**Tipo:**", "- Priority:"). A multiline field (description, steps)
// runs over the following lines until the next label or the end; any
// other field takes one line (the label's, or the next non-empty one)
// and the lines after it are description. Text outside any label is
// description, joined after the labelled description.
//
// A field that is missing, or a choice that names none of the field's
// choices, takes its default (the field's own, else that of defaults)
// and is reported as an Assumption (Given empty when the report said
// nothing): type and priority always, system even without a default so
// that the acknowledgement can say how to give it, the organization's
// own fields when they have a default or the report gave a value. A
// required field without a value is missing instead. A missing
// description is not an assumption (the title stands for it).
func Report(text string, form workflow.Form, defaults workflow.Fields) (workflow.Fields, []workflow.Assumption, []string) {
	values := read(text, form)
	get := func(name string) string { return trimBlank(values[name]) }
	out := workflow.Fields{Steps: get(workflow.FieldSteps)}
	out.Description = strings.TrimSpace(get(workflow.FieldDescription) + "\n\n" + get("free"))
	var assumed []workflow.Assumption
	var missing []string
	for _, d := range form.Fields() {
		if d.Name == workflow.FieldDescription || d.Name == workflow.FieldSteps {
			continue
		}
		given := get(d.Name)
		if d.Kind != workflow.FieldMultiline {
			given = oneLine(given)
		}
		if v, ok := d.Read(given); ok {
			out.Set(d.Name, v)
			continue
		}
		def := d.Default
		if def == "" {
			def = defaults.Value(d.Name)
		}
		switch {
		case d.Required && d.Name != workflow.FieldType && d.Name != workflow.FieldPriority:
			missing = append(missing, d.Name)
		case workflow.Builtin(d.Name) || def != "" || given != "":
			if def != "" {
				out.Set(d.Name, def)
			}
			assumed = append(assumed, workflow.Assumption{Field: d.Name, Given: given, Used: def})
		}
	}
	return out, assumed, missing
}

// read sorts the lines of text by the field of form they belong to:
// "free" for those of none.
func read(text string, form workflow.Form) map[string][]string {
	values := map[string][]string{}
	field, single := "free", false
	for _, line := range strings.Split(WithoutSignoff(clean(text)), "\n") {
		if d, value, ok := reportLabel(line, form); ok {
			field, single = d.Name, d.Kind != workflow.FieldMultiline
			values[field] = append(values[field], value)
			if value != "" && single {
				field = "free"
			}
			continue
		}
		if field == workflow.FieldSteps && afterBlank(values[field]) && !listItem(line) {
			// A sentence after the steps, past a blank line ("Adjunto
			// captura.") is description again.
			field = "free"
		}
		values[field] = append(values[field], line)
		if strings.TrimSpace(line) != "" && single && field != "free" {
			field = "free"
		}
	}
	return values
}

// Corrections reads the "Label: value" lines of a reply's new text that
// correct fields of form: every field but description and steps, whose
// labels in a reply start text rather than replace it. A line whose
// label is one letter away from a field's, or whose value is not one of
// the field's choices, is a problem. rest is the text without the
// correcting lines.
func Corrections(text string, form workflow.Form) (fixes []workflow.Correction, problems []workflow.FieldProblem, rest string) {
	var kept []string
	var pending *workflow.FieldDef // a one-line field whose value is on the next line
	var label string
	for _, line := range strings.Split(WithoutSignoff(clean(text)), "\n") {
		if pending != nil && strings.TrimSpace(line) != "" {
			fixes, problems = correction(*pending, label, line, fixes, problems)
			pending = nil
			continue
		}
		d, value, ok := reportLabel(line, form)
		if !ok {
			if written, v, near := nearLabel(line, form); near {
				problems = append(problems, workflow.FieldProblem{Label: written, Value: v, Unknown: true})
				continue
			}
			if pending == nil {
				kept = append(kept, line)
			}
			continue
		}
		if d.Name == workflow.FieldDescription || d.Name == workflow.FieldSteps {
			kept = append(kept, line)
			continue
		}
		label = writtenLabel(line)
		if value == "" {
			pending = &d
			continue
		}
		fixes, problems = correction(d, label, value, fixes, problems)
	}
	return fixes, problems, strings.TrimSpace(strings.Join(kept, "\n"))
}

// correction adds the correction of field d to value, or a problem when
// value is not one of its choices.
func correction(d workflow.FieldDef, label, value string, fixes []workflow.Correction, problems []workflow.FieldProblem) ([]workflow.Correction, []workflow.FieldProblem) {
	if v, ok := d.Read(value); ok {
		return append(fixes, workflow.Correction{Field: d.Name, Value: v}), problems
	}
	return fixes, append(problems, workflow.FieldProblem{Label: label, Value: oneLine(value), Field: d.Name})
}

// IsField reports whether line is a "Label: value" line of a report
// ("Prioridad: Alta"), one whose label is mistyped by a letter, or one
// that names an assignee ("Asignar: …"): no attempt at a command.
func IsField(line string, form workflow.Form) bool {
	_, _, ok := reportLabel(line, form)
	_, _, near := nearLabel(line, form)
	return ok || near || isAssignLine(line)
}

// labelLine splits a "Label: value" line: the label as written and the
// value.
func labelLine(line string) (label, value string, ok bool) {
	s := strings.TrimLeft(line, " \t*_-•#>")
	colon := strings.IndexAny(s, ":：")
	if colon <= 0 || colon > 40 {
		return "", "", false
	}
	rest := strings.TrimLeft(s[colon:], ":：")
	value = strings.TrimSpace(strings.Trim(strings.TrimSpace(rest), "*_"))
	return strings.Trim(s[:colon], " \t*_"), value, true
}

// writtenLabel is the label of a "Label: value" line as written.
func writtenLabel(line string) string {
	label, _, _ := labelLine(line)
	return label
}

// reportLabel reads a "Label: value" line of a report.
func reportLabel(line string, form workflow.Form) (field workflow.FieldDef, value string, ok bool) {
	label, value, ok := labelLine(line)
	if !ok {
		return workflow.FieldDef{}, "", false
	}
	d, ok := form.FieldOf(fold(label))
	return d, value, ok
}

// nearLabel reads a "Label: value" line whose label is one letter away
// from a field's ("Prioridd: Alta").
func nearLabel(line string, form workflow.Form) (label, value string, ok bool) {
	label, value, ok = labelLine(line)
	if !ok {
		return "", "", false
	}
	if _, known := form.FieldOf(fold(label)); known {
		return "", "", false
	}
	_, ok = form.NearField(fold(label))
	return label, value, ok
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

// oneLine joins a value's lines with spaces, for one-line fields.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
