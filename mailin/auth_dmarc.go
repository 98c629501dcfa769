package mailin

import (
	"regexp"
	"slices"
	"strings"
)

// dmarcPass reports whether the Authentication-Results of a mail show that
// its From domain is authentic (SPEC §5, policy "dmarc"). Only the topmost
// field whose authserv-id is one of trusted counts: it was added by our own
// border server, and anything below it may have been written by the
// sender. That field must show dmarc=pass (for the From domain, when it
// names one), or dkim=pass for a header.d or header.i domain aligned with
// the From domain.
func dmarcPass(fields, trusted []string, fromDomain string) bool {
	fromDomain = strings.ToLower(fromDomain)
	if fromDomain == "" {
		return false
	}
	for _, f := range fields {
		id, results := authResults(f)
		if !slices.ContainsFunc(trusted, func(t string) bool { return strings.EqualFold(t, id) }) {
			continue
		}
		for _, r := range results {
			switch {
			case r.method == "dmarc" && r.result == "pass":
				if d := r.props["header.from"]; d == "" || d == fromDomain {
					return true
				}
			case r.method == "dkim" && r.result == "pass":
				d := r.props["header.d"]
				if d == "" {
					_, d, _ = strings.Cut(r.props["header.i"], "@")
				}
				if aligned(d, fromDomain) {
					return true
				}
			}
		}
		return false
	}
	return false
}

// aligned is relaxed DMARC alignment: the signing domain is the From
// domain or a parent of it (or the other way round), and not a bare
// top-level domain.
func aligned(d, from string) bool {
	if d == "" || !strings.Contains(d, ".") {
		return false
	}
	return d == from || strings.HasSuffix(from, "."+d) || strings.HasSuffix(d, "."+from)
}

// authResult is one "method=result prop=value ..." of an
// Authentication-Results field, lower-cased.
type authResult struct {
	method, result string
	props          map[string]string
}

var spacedEquals = regexp.MustCompile(`\s*=\s*`)

// authResults reads an Authentication-Results field (RFC 8601): its
// authserv-id and its results. Comments are dropped.
func authResults(field string) (string, []authResult) {
	parts := strings.Split(spacedEquals.ReplaceAllString(stripComments(strings.ToLower(field)), "="), ";")
	head := strings.Fields(parts[0])
	if len(head) == 0 {
		return "", nil
	}
	var out []authResult
	for _, p := range parts[1:] {
		words := strings.Fields(p)
		if len(words) == 0 {
			continue
		}
		method, result, _ := strings.Cut(words[0], "=")
		method, _, _ = strings.Cut(method, "/")
		r := authResult{method: method, result: result, props: map[string]string{}}
		for _, w := range words[1:] {
			if k, v, ok := strings.Cut(w, "="); ok {
				r.props[k] = strings.Trim(v, `"`)
			}
		}
		out = append(out, r)
	}
	return head[0], out
}

// stripComments removes the (nested) parenthesised comments of a header
// value, leaving quoted strings alone.
func stripComments(s string) string {
	var b strings.Builder
	depth, quoted := 0, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && (quoted || depth > 0) && i+1 < len(s):
			if depth == 0 {
				b.WriteByte(c)
				b.WriteByte(s[i+1])
			}
			i++
		case c == '"' && depth == 0:
			quoted = !quoted
			b.WriteByte(c)
		case c == '(' && !quoted:
			depth++
		case c == ')' && !quoted && depth > 0:
			depth--
			if depth == 0 {
				b.WriteByte(' ')
			}
		case depth == 0:
			b.WriteByte(c)
		}
	}
	return b.String()
}
