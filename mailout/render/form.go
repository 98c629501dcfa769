package render

import (
	"strings"

	"incidentd/workflow"
)

// FieldRow is one of the organization's own fields of an incident, as a
// mail shows it: its label and its value in the mail's language.
type FieldRow struct {
	Name  string
	Label string
	Value string // a choice's label; a value no longer among the choices as stored
}

// formFuncs are the template functions that read the report form in
// lang: a field's label, a value as shown, an example line, the labels
// and choices that may be written.
func formFuncs(lang string, form workflow.Form) map[string]any {
	label := func(name string) string {
		if d, ok := form.Field(name); ok {
			return d.Label(lang)
		}
		return name
	}
	return map[string]any{
		"fieldLabel": label,
		"shown": func(name, v string) string {
			if d, ok := form.Field(name); ok {
				return d.Shown(v, lang)
			}
			return v
		},
		"example": func(name string) string {
			d, _ := form.Field(name)
			if c := d.ChoiceLabels(lang); len(c) > 0 {
				return label(name) + ": " + c[0]
			}
			return label(name) + ": …"
		},
		"choices": func(name string) string {
			d, _ := form.Field(name)
			return strings.Join(d.ChoiceLabels(lang), ", ")
		},
		"fieldLabels": func() string {
			var out []string
			for _, d := range form.Fields() {
				if d.Name != workflow.FieldDescription && d.Name != workflow.FieldSteps {
					out = append(out, d.Label(lang))
				}
			}
			return strings.Join(out, ", ")
		},
		// pad is the spaces after "label:" that line a table's values up
		// at column width; one at least.
		"pad": func(label string, width int) string {
			return strings.Repeat(" ", max(1, width-len([]rune(label))-1))
		},
	}
}

// withForm adds to v what the form says of its incident in lang: whether
// it has a system, and its own fields, one-line ones in the table and
// multiline ones below it. A field removed from the form is not shown in
// mails (show keeps it).
func withForm(v *View, form workflow.Form, lang string) {
	v.HasSystem = form.Has(workflow.FieldSystem)
	if d, ok := form.Field(workflow.FieldSystem); ok {
		v.Incident.System = d.Shown(v.Incident.System, lang)
	}
	for _, d := range form.Own() {
		row := FieldRow{Name: d.Name, Label: d.Label(lang), Value: d.Shown(v.Incident.Values[d.Name], lang)}
		if d.Kind == workflow.FieldMultiline {
			if row.Value != "" {
				v.OwnText = append(v.OwnText, row)
			}
			continue
		}
		v.Own = append(v.Own, row)
	}
}
