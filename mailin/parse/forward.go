package parse

import (
	"net/mail"
	"slices"
	"strings"
)

// forwardFromText finds a forwarded message in the text of a mail: after
// a forwarded-message separator ("---------- Forwarded message
// ---------", "Inicio del mensaje reenviado:", …), whose header block
// gives the original sender, date and subject. When the subject already
// says the mail is a forward (hinted), an Outlook header block or a quote
// header ("El …, Ann <ann@example.com> escribió:") introduces it too. It
// returns nil when the text forwards nothing.
func forwardFromText(text string, hinted bool) *Forward {
	lines := strings.Split(clean(text), "\n")
	for i := range lines {
		lines[i] = unquote(lines[i])
	}
	folded := make([]string, len(lines))
	for i, l := range lines {
		folded[i] = fold(head(l, 400))
	}
	for i, f := range folded {
		switch {
		case separator(f) && (hasAny(f, forwardWords) || hinted):
			_, fields := splitGlued(lines[i])
			return readForward(append(fields, lines[i+1:]...))
		case hinted && headerBlock(lines, i):
			_, fields := splitGlued(lines[i])
			if fields == nil {
				fields = lines[i : i+1]
			}
			return readForward(append(fields, lines[i+1:]...))
		case hinted:
			if n, strong := quoteHeader(lines, folded, i); n > 0 && strong {
				fw := &Forward{From: addressIn(strings.Join(lines[i:i+n], " "))}
				fw.Text = bodyText(lines[i+n:])
				return fw
			}
		}
	}
	return nil
}

// readForward reads the header block at the start of lines and the body
// after it.
func readForward(lines []string) *Forward {
	fw := &Forward{}
	i := 0
	for i < len(lines) && strings.TrimSpace(lines[i]) == "" {
		i++
	}
	labels, subject := 0, false
	for ; i < len(lines); i++ {
		line := lines[i]
		if strings.TrimSpace(line) == "" {
			if labels > 0 {
				break
			}
			continue
		}
		field, value := labelOf(line)
		if field == noField {
			if subject || labels == 0 {
				break
			}
			continue // a wrapped To: or Cc: list
		}
		labels++
		switch field {
		case fromField:
			fw.From = addressIn(value)
		case dateField:
			fw.Date = parseDate(value)
		case subjectField:
			fw.Subject, subject = value, true
		}
	}
	fw.Text = bodyText(lines[min(i, len(lines)):])
	return fw
}

// bodyText returns the lines of a forwarded body without the indentation
// that some clients add to all of them.
func bodyText(lines []string) string {
	indent := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, " \t"))
		if indent < 0 || n < indent {
			indent = n
		}
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		if len(l) >= indent && indent > 0 {
			l = l[indent:]
		}
		out[i] = strings.TrimRight(l, " \t")
	}
	return trimBlank(out)
}

// unquote removes the '>' marks of a quoted line.
func unquote(line string) string {
	s := strings.TrimLeft(line, " \t")
	if !strings.HasPrefix(s, ">") {
		return line
	}
	s = strings.TrimLeft(s, "> ")
	return s
}

// gluedLabels are the labels looked for inside a line that holds a whole
// header block, lower-case.
var gluedLabels = []string{"from:", "de:", "von:", "sent:", "date:", "enviado:", "fecha:", "datum:",
	"gesendet:", "to:", "para:", "an:", "cc:", "subject:", "asunto:", "betreff:", "objet:", "envoyé:", "à:"}

// splitGlued splits a line holding several header fields glued together
// ("De: Ann <ann@example.com>Para: Bob …Asunto: Hola") into one line per
// field, after the text before the first label (a separator). A line
// with fewer than two labels has no fields. Short labels count only after
// a space, '>', '"' or '-'.
func splitGlued(line string) (before string, fields []string) {
	lower := asciiLower(line)
	var cuts []int
	for _, l := range gluedLabels {
		for from := 0; from < len(lower); {
			j := strings.Index(lower[from:], l)
			if j < 0 {
				break
			}
			at := from + j
			from = at + len(l)
			if len(l) <= 4 && at > 0 && !strings.ContainsRune(" >\"-\t", rune(lower[at-1])) {
				continue
			}
			cuts = append(cuts, at)
		}
	}
	if len(cuts) < 2 {
		return line, nil
	}
	slices.Sort(cuts)
	for k, c := range cuts {
		end := len(line)
		if k+1 < len(cuts) {
			end = cuts[k+1]
		}
		fields = append(fields, line[c:end])
	}
	return line[:cuts[0]], fields
}

// addressIn reads the first address in a header value or quote header:
// "Ann <ann@example.com>", "ann@example.com", "Ann [mailto:ann@example.com]".
func addressIn(s string) Address {
	s = strings.NewReplacer("[mailto:", "<", "]", ">", "mailto:", "").Replace(strings.TrimSpace(s))
	if a, err := mail.ParseAddress(s); err == nil {
		return Address{Name: a.Name, Address: strings.ToLower(a.Address)}
	}
	if lt := strings.IndexByte(s, '<'); lt >= 0 {
		if gt := strings.IndexByte(s[lt:], '>'); gt > 0 && strings.Contains(s[lt:lt+gt], "@") {
			name := strings.TrimSpace(s[:lt])
			if q := strings.LastIndexByte(strings.TrimRight(name, `" `), '"'); q >= 0 && strings.HasSuffix(name, `"`) {
				name = name[q+1:] // the quoted name that ends a quote header
			} else if k := strings.LastIndexAny(name, ",:"); k >= 0 {
				name = name[k+1:]
			}
			name = strings.Trim(strings.TrimSpace(name), `"' ,`)
			return Address{Name: name, Address: strings.ToLower(strings.TrimSpace(s[lt+1 : lt+gt]))}
		}
	}
	for _, w := range strings.Fields(s) {
		if w = strings.Trim(w, `<>"'(),;:[]`); strings.Contains(w, "@") {
			return Address{Address: strings.ToLower(w)}
		}
	}
	return Address{Name: strings.Trim(s, `"' `)}
}
