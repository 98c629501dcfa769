package main

import (
	"fmt"
	"maps"
	"regexp"
	"slices"

	"incidentd/workflow"
)

// fieldName is what a field's name may be: it keys JSON, the command
// line and metric labels.
var fieldName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// reservedNames are keys of an incident beside its fields, in JSON.
var reservedNames = []string{"id", "title", "reporter", "reporter_name", "state", "accepted_by",
	"evaluation", "created", "updated", "values", "attachments", "history"}

// form is the report form of the configuration.
func (c *Config) form() workflow.Form {
	defs := slices.Clone(c.Fields)
	for i, d := range defs {
		if d.Kind == "" && !workflow.Builtin(d.Name) {
			defs[i].Kind = workflow.FieldText
		}
	}
	return workflow.NewForm(defs)
}

// validateFields checks the [[fields]] entries one by one, then the form
// they make: names and labels used once, no label a keyword.
func (c *Config) validateFields(bad func(key, format string, args ...any)) {
	names := map[string]string{}
	for i, f := range c.Fields {
		key := fmt.Sprintf("fields[%d]", i+1)
		switch {
		case !fieldName.MatchString(f.Name):
			bad(key+".name", "%q: write lower-case letters, digits and _, starting with a letter", f.Name)
		case slices.Contains(reservedNames, f.Name):
			bad(key+".name", "%q is an incident's own key; choose another name", f.Name)
		case names[f.Name] != "":
			bad(key+".name", "%q is the name of %s too", f.Name, names[f.Name])
		}
		names[f.Name] = key
		c.validateField(bad, key, f)
	}
	form := c.form()
	for _, def := range []struct{ key, name, v string }{
		{"workflow.default_type", workflow.FieldType, c.Workflow.DefaultType},
		{"workflow.default_priority", workflow.FieldPriority, c.Workflow.DefaultPriority},
	} {
		d, _ := form.Field(def.name)
		if _, ok := d.Read(def.v); !ok && def.v != "" {
			bad(def.key, "%q is not one of the %s choices of [[fields]]", def.v, def.name)
		}
	}
	labels := map[string]string{}
	for _, d := range form.Fields() {
		for _, l := range d.Labels {
			folded := workflow.FoldLabel(l)
			key := labelKey(c.Fields, d.Name)
			if other, ok := labels[folded]; ok && other != d.Name {
				bad(key, "label %q is also a label of field %s", l, other)
			}
			labels[folded] = d.Name
			if workflow.IsKeyword(l) {
				bad(key, "label %q is a command keyword; a reply starting with it would be read as the command", l)
			}
		}
	}
}

// labelKey is the key of the labels of field name: its entry's, or
// "fields" for a built-in field left as it is.
func labelKey(fields []workflow.FieldDef, name string) string {
	if i := slices.IndexFunc(fields, func(f workflow.FieldDef) bool { return f.Name == name }); i >= 0 {
		return fmt.Sprintf("fields[%d].labels", i+1)
	}
	return "fields"
}

// validateField checks one entry, key.
func (c *Config) validateField(bad func(key, format string, args ...any), key string, f workflow.FieldDef) {
	builtin := workflow.Builtin(f.Name)
	if f.Kind != "" { // none: text, or the built-in field's kind
		oneOf(bad, key+".kind", string(f.Kind), string(workflow.FieldText), string(workflow.FieldMultiline), string(workflow.FieldChoice))
	}
	if !builtin && len(f.Labels) == 0 {
		bad(key+".labels", "give at least one label: the first is shown in Spanish, the second in English")
	}
	switch f.Name {
	case workflow.FieldType, workflow.FieldPriority:
		if f.Kind != "" && f.Kind != workflow.FieldChoice {
			bad(key+".kind", "%s is always a choice", f.Name)
		}
		if f.Removed {
			bad(key+".removed", "%s drives deadlines and metrics and cannot be removed", f.Name)
		}
		builtins, _ := workflow.NewForm(nil).Field(f.Name)
		for j, ch := range f.Choices {
			if _, ok := builtins.Choice(ch.Value); !ok {
				bad(fmt.Sprintf("%s.choices[%d].value", key, j+1), "%q is not a %s: write one of %v", ch.Value, f.Name, values(builtins.Choices))
			}
		}
	case workflow.FieldDescription:
		if f.Removed || (f.Kind != "" && f.Kind != workflow.FieldMultiline) {
			bad(key, "description is always there, a multiline field")
		}
	case workflow.FieldSystem, workflow.FieldSteps:
	default:
		if f.Removed {
			bad(key+".removed", "only built-in fields are removed; delete the entry instead")
		}
	}
	kind := f.Kind
	if kind == "" && (f.Name == workflow.FieldType || f.Name == workflow.FieldPriority) {
		kind = workflow.FieldChoice
	}
	if kind != workflow.FieldChoice {
		if len(f.Choices) > 0 {
			bad(key+".choices", "only a field of kind choice has choices")
		}
		return
	}
	if len(f.Choices) == 0 && f.Name != workflow.FieldType && f.Name != workflow.FieldPriority {
		bad(key+".choices", "a choice field needs its choices: { value = \"…\", labels = [\"…\", \"…\"] }")
	}
	seen := map[string]bool{}
	for j, ch := range f.Choices {
		ckey := fmt.Sprintf("%s.choices[%d]", key, j+1)
		switch {
		case ch.Value == "":
			bad(ckey+".value", "is required")
		case seen[ch.Value]:
			bad(ckey+".value", "%q is there twice", ch.Value)
		}
		seen[ch.Value] = true
		if len(ch.Labels) == 0 {
			bad(ckey+".labels", "give at least one label: the first is shown in Spanish, the second in English")
		}
	}
	if f.Default != "" && len(f.Choices) > 0 && !seen[f.Default] {
		bad(key+".default", "%q is not one of the choices' values (%v)", f.Default, slices.Sorted(maps.Keys(seen)))
	}
}

// values are the values of choices.
func values(choices []workflow.Choice) []string {
	out := make([]string, len(choices))
	for i, c := range choices {
		out[i] = c.Value
	}
	return out
}
