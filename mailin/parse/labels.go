package parse

import "strings"

// The fields of a header block in the body of a mail (Outlook's quote
// header, a forwarded message's header).
const (
	noField = iota
	fromField
	dateField
	toField
	subjectField
	otherField
)

// labelOf reads a "Label: value" line of a header block in any of the
// languages of lang.go, with the markdown-ish decorations of converted
// HTML ("*From:*", "De :"). It returns the field and the value.
func labelOf(line string) (field int, value string) {
	key, value, ok := splitLabel(line)
	if !ok {
		return noField, ""
	}
	return fieldOf(key), value
}

// splitLabel cuts a "Label: value" line into its folded label and its
// value, in any language: ok is false when the line has no colon within
// its first 40 bytes.
func splitLabel(line string) (key, value string, ok bool) {
	line = strings.TrimLeft(line, " \t*>")
	colon := strings.IndexAny(line, ":：")
	if colon <= 0 || colon > 40 {
		return "", "", false
	}
	key = fold(strings.Trim(line[:colon], " \t*"))
	value = strings.TrimSpace(strings.TrimLeft(line[colon:], ":：* \t"))
	if strings.HasPrefix(line[colon:], "：") {
		value = strings.TrimSpace(strings.TrimLeft(line[colon+len("："):], "* \t"))
	}
	return key, value, true
}

// labelledBlock reports whether lines[i] starts a header block whose
// labels may be in any language: three to six "Label: value" lines in a
// row, each label of at most three words and no digits, one value a date
// and a time (see dateStamp). It is read only after a rule, where Outlook
// on the web and Outlook's mobile apps put their header block; elsewhere
// such lines may be a report's own fields.
func labelledBlock(lines []string, i int) bool {
	n, dated := 0, false
	for ; i < len(lines) && n < 6; i, n = i+1, n+1 {
		key, value, ok := splitLabel(lines[i])
		if !ok || key == "" || value == "" || hasDigit(key) || strings.Count(key, " ") > 2 {
			break
		}
		dated = dated || dateStamp(value)
	}
	return n >= 3 && dated
}

// fieldOf says which field a folded label names.
func fieldOf(key string) int {
	return replyWords.labels[key]
}

// headerBlock reports whether lines[i] starts a block of header lines of
// a quoted or forwarded mail: a From, Date, To or Subject label followed,
// within a few lines, by labels that make at least three of these fields,
// From among them (Outlook, Gmail's forward, Hotmail's Date-first block);
// or a From line with the others glued to it, as some mobile clients and
// Yahoo write them.
func headerBlock(lines []string, i int) bool {
	first, _ := labelOf(lines[i])
	if first == noField || first == otherField {
		return false
	}
	seen := map[int]bool{first: true}
	if first == fromField {
		for _, f := range gluedFields(lines[i]) {
			seen[f] = true
		}
	}
	for j := i + 1; j < len(lines) && j <= i+10 && len(seen) < 3; j++ {
		if f, _ := labelOf(lines[j]); f != noField && f != otherField {
			seen[f] = true
		}
	}
	return len(seen) >= 3 && seen[fromField]
}

// gluedFields finds the labels glued into one line after its first one,
// e.g. "De: Ann <ann@example.com>Para: Bob …Asunto: Hola".
func gluedFields(line string) []int {
	var out []int
	f := fold(line)
	if f == "" {
		return nil
	}
	for _, list := range []struct {
		field  int
		labels []string
	}{{dateField, dateLabels}, {toField, toLabels}, {subjectField, subjectLabels}} {
		for _, l := range list.labels {
			if len([]rune(l)) >= 4 && strings.Contains(f[1:], l+":") {
				out = append(out, list.field)
				break
			}
		}
	}
	return out
}
