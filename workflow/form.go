package workflow

import (
	"slices"
	"strings"
)

// FieldKind says how a report field's value is written.
type FieldKind string

// The kinds of field.
const (
	FieldText      FieldKind = "text"      // one line: the label's, or the next non-empty one
	FieldMultiline FieldKind = "multiline" // the lines that follow, up to the next label
	FieldChoice    FieldKind = "choice"    // one of a list of values
)

// Choice is one value a choice field may take and the words that name
// it: the first label is shown in Spanish, the second in English, and
// every label and the value itself are read, case- and
// accent-insensitively.
type Choice struct {
	Value  string   `json:"value" toml:"value"`
	Labels []string `json:"labels" toml:"labels"`
}

// FieldDef is one field of the report form, as a [[fields]] entry of the
// configuration writes it. Its Name keys its value everywhere (JSON, the
// command line, metrics); its Labels are what people write before a
// colon, the first shown in Spanish, the second in English.
type FieldDef struct {
	Name    string    `json:"name" toml:"name"`
	Labels  []string  `json:"labels" toml:"labels"`
	Kind    FieldKind `json:"kind" toml:"kind"`
	Choices []Choice  `json:"choices,omitempty" toml:"choices"`
	// Required: a report without it is still an incident, and its
	// acknowledgement says the field is missing and how to give it.
	Required bool `json:"required,omitempty" toml:"required"`
	// Default is the value of a report that does not give the field (or
	// gives a value that is not a choice).
	Default string `json:"default,omitempty" toml:"default"`
	// Removed takes a built-in field (system, steps) out of the form.
	Removed bool `json:"removed,omitempty" toml:"removed"`
}

// Label is the field's label in lang: the first for "es", the second
// for "en", the first when there is no second, the name when none.
func (d FieldDef) Label(lang string) string {
	return pick(d.Labels, lang, d.Name)
}

// Choice is the choice of value v.
func (d FieldDef) Choice(v string) (Choice, bool) {
	i := slices.IndexFunc(d.Choices, func(c Choice) bool { return c.Value == v })
	if i < 0 {
		return Choice{}, false
	}
	return d.Choices[i], true
}

// Shown is value v as the reader of lang reads it: a choice's label, or
// v as stored (a value no longer among the choices stays as it was).
func (d FieldDef) Shown(v, lang string) string {
	if c, ok := d.Choice(v); ok {
		return pick(c.Labels, lang, c.Value)
	}
	return v
}

// ChoiceLabels are the labels of the field's choices in lang, for
// messages that list what may be written.
func (d FieldDef) ChoiceLabels(lang string) []string {
	out := make([]string, len(d.Choices))
	for i, c := range d.Choices {
		out[i] = pick(c.Labels, lang, c.Value)
	}
	return out
}

// pick is the label of lang among labels.
func pick(labels []string, lang, fallback string) string {
	i := 0
	if lang == "en" {
		i = 1
	}
	switch {
	case i < len(labels):
		return labels[i]
	case len(labels) > 0:
		return labels[0]
	}
	return fallback
}

// The names of the built-in fields.
const (
	FieldType        = "type"
	FieldPriority    = "priority"
	FieldSystem      = "system"
	FieldDescription = "description"
	FieldSteps       = "steps"
)

// BuiltinFields are the report fields of SPEC §3, the form of an
// organization that configures none. Type and priority drive deadlines,
// metrics and routing: their values are always among these choices.
func BuiltinFields() []FieldDef {
	return []FieldDef{
		{Name: FieldType, Kind: FieldChoice, Labels: []string{"Tipo", "Type", "Tipo de incidente", "Tipo de incidencia", "Incident type"},
			Choices: []Choice{
				{Value: string(TypeError), Labels: []string{"Error", "Error", "Bug", "Fallo", "Defect"}},
				{Value: string(TypeImprovement), Labels: []string{"Mejora", "Improvement", "Enhancement"}},
				{Value: string(TypeFeature), Labels: []string{"Nueva funcionalidad", "New feature", "Feature", "Funcionalidad"}},
				{Value: string(TypeTask), Labels: []string{"Tarea", "Task"}},
			}},
		{Name: FieldPriority, Kind: FieldChoice, Labels: []string{"Prioridad", "Priority"},
			Choices: []Choice{
				{Value: string(PriorityCritical), Labels: []string{"Crítica", "Critical"}},
				{Value: string(PriorityHigh), Labels: []string{"Alta", "High"}},
				{Value: string(PriorityMedium), Labels: []string{"Media", "Medium"}},
				{Value: string(PriorityLow), Labels: []string{"Baja", "Low"}},
			}},
		{Name: FieldSystem, Kind: FieldText, Labels: []string{"Sistema", "System", "Systema"}},
		{Name: FieldDescription, Kind: FieldMultiline, Labels: []string{"Descripción", "Description"}},
		{Name: FieldSteps, Kind: FieldMultiline, Labels: []string{"Pasos para recrear el error", "Steps to reproduce",
			"Pasos", "Steps", "Pasos para reproducir", "Pasos para reproducir el error", "Steps to reproduce the error"}},
	}
}

// Builtin reports whether name is one of the built-in fields.
func Builtin(name string) bool {
	switch name {
	case FieldType, FieldPriority, FieldSystem, FieldDescription, FieldSteps:
		return true
	}
	return false
}

// Form is the report form: the built-in fields as configured, then the
// organization's own, in the order configured. The zero Form is the
// built-in one.
type Form struct {
	visible []FieldDef // the fields not removed; nil for the zero Form
	own     []FieldDef // the organization's own, among visible
	// labels are the folded labels of the visible fields, in their
	// order, each with the index of its field in visible: reading a
	// report looks every line up in them.
	labels []foldedLabel
	byName map[string]int // index in visible
}

// foldedLabel is a label as labels compare, and whose it is.
type foldedLabel struct {
	key   string
	field int
}

// NewForm is the form of the configured fields: an entry named after a
// built-in field replaces what it gives of it (labels, kind, choices,
// default, or removes it); any other entry is a field of the
// organization's own, after the built-in ones. Entries are taken as
// given: the configuration checks them.
func NewForm(configured []FieldDef) Form {
	fields := BuiltinFields()
	for _, c := range configured {
		i := slices.IndexFunc(fields, func(d FieldDef) bool { return d.Name == c.Name })
		if i < 0 {
			fields = append(fields, c)
			continue
		}
		d := &fields[i]
		if len(c.Labels) > 0 {
			d.Labels = c.Labels
		}
		if c.Kind != "" {
			d.Kind = c.Kind
		}
		if len(c.Choices) > 0 {
			d.Choices = c.Choices
		}
		d.Required, d.Removed = c.Required, c.Removed
		if c.Default != "" {
			d.Default = c.Default
		}
	}
	return indexed(fields)
}

// indexed is the form of fields with its lookups.
func indexed(fields []FieldDef) Form {
	f := Form{byName: map[string]int{}}
	for _, d := range fields {
		if d.Removed {
			continue
		}
		if !Builtin(d.Name) {
			f.own = append(f.own, d)
		}
		f.byName[d.Name] = len(f.visible)
		for _, l := range d.Labels {
			f.labels = append(f.labels, foldedLabel{FoldLabel(l), len(f.visible)})
		}
		f.visible = append(f.visible, d)
	}
	return f
}

// builtinForm is the zero Form's.
var builtinForm = indexed(BuiltinFields())

// resolved is f, or the built-in form for the zero Form.
func (f Form) resolved() Form {
	if f.visible == nil {
		return builtinForm
	}
	return f
}

// Fields are the fields of the form, built-in ones first; removed ones
// are left out. The slice is the form's own: read it, do not change it.
func (f Form) Fields() []FieldDef {
	return f.resolved().visible
}

// Own are the organization's own fields, in the order configured. The
// slice is the form's own: read it, do not change it.
func (f Form) Own() []FieldDef {
	return f.resolved().own
}

// Field is the field called name, unless it is not in the form.
func (f Form) Field(name string) (FieldDef, bool) {
	r := f.resolved()
	if i, ok := r.byName[name]; ok {
		return r.visible[i], true
	}
	return FieldDef{}, false
}

// Has reports whether name is a field of the form.
func (f Form) Has(name string) bool {
	_, ok := f.Field(name)
	return ok
}

// FieldOf is the field a label names, read case- and
// accent-insensitively.
func (f Form) FieldOf(label string) (FieldDef, bool) {
	key := FoldLabel(label)
	r := f.resolved()
	for _, l := range r.labels {
		if l.key == key {
			return r.visible[l.field], true
		}
	}
	return FieldDef{}, false
}

// NearField is the field whose label is one letter away from label
// (added, dropped, changed or swapped: "Prioridd"), for labels of five
// letters or more: a mistyped label, not another word before a colon.
func (f Form) NearField(label string) (FieldDef, bool) {
	key := FoldLabel(label)
	if len(key) < 5 {
		return FieldDef{}, false
	}
	r := f.resolved()
	for _, l := range r.labels {
		if len(l.key) >= 5 && oneEdit(key, l.key) {
			return r.visible[l.field], true
		}
	}
	return FieldDef{}, false
}

// FoldLabel is a label as labels compare: folded, its spaces single.
func FoldLabel(s string) string {
	return strings.Join(strings.Fields(Fold(s)), " ")
}

// Read is the value written s of field d as stored: for a choice, the
// value of the choice it names (for type and priority, also the words
// ParseType and ParsePriority know, when they name one of the field's
// choices); otherwise s on one line, or as written for a multiline
// field. It reports false for a choice s does not name or an empty s.
func (d FieldDef) Read(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", false
	}
	if d.Kind != FieldChoice {
		if d.Kind == FieldMultiline {
			return s, true
		}
		return strings.Join(strings.Fields(s), " "), true
	}
	key := FoldLabel(strings.Trim(s, " .!¡"))
	for _, c := range d.Choices {
		if FoldLabel(c.Value) == key {
			return c.Value, true
		}
		for _, l := range c.Labels {
			if FoldLabel(l) == key {
				return c.Value, true
			}
		}
	}
	var v string
	switch d.Name {
	case FieldType:
		t, _ := ParseType(s)
		v = string(t)
	case FieldPriority:
		p, _ := ParsePriority(s)
		v = string(p)
	}
	if _, ok := d.Choice(v); ok && v != "" {
		return v, true
	}
	return "", false
}

// Value is the value of field name: a built-in field's, or one of
// Values ("" when it has none).
func (f Fields) Value(name string) string {
	switch name {
	case FieldType:
		return string(f.Type)
	case FieldPriority:
		return string(f.Priority)
	case FieldSystem:
		return f.System
	case FieldDescription:
		return f.Description
	case FieldSteps:
		return f.Steps
	}
	return f.Values[name]
}

// Set gives field name value v.
func (f *Fields) Set(name, v string) {
	switch name {
	case FieldType:
		f.Type = Type(v)
	case FieldPriority:
		f.Priority = Priority(v)
	case FieldSystem:
		f.System = v
	case FieldDescription:
		f.Description = v
	case FieldSteps:
		f.Steps = v
	default:
		if f.Values == nil {
			f.Values = map[string]string{}
		}
		f.Values[name] = v
	}
}
