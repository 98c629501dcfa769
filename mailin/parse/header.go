package parse

import "strings"

// quoteHeader reports whether a quote header ("On Mon, 2 Jan 2024 at 10:00,
// Ann <ann@example.com> wrote:", "El lun, 2 ene 2024 a las 10:00, Ann
// escribió:", "Ann <ann@example.com> schrieb am Mo., 2. Jan. 2024 um
// 10:00:", "2024年1月2日(火) 10:00 Ann <ann@example.com>:") starts at line
// i, over at most four lines as clients wrap it. It returns how many lines
// it takes, 0 when there is none, and whether it is strong: with a date or
// an address, so that it ends the new text even when no quoted line
// follows.
func quoteHeader(lines, folded []string, i int) (n int, strong bool) {
	first := folded[i]
	if first == "" || quoted(lines[i]) {
		return 0, false
	}
	multi := hasPrefixAny(first, quoteLeads) || startsWithDigit(first) ||
		hasAny(first, quoteMidVerbs) || strings.Contains(first, "<")
	joined := first
	for n = 1; n <= 4 && i+n-1 < len(lines); n++ {
		if n > 1 {
			next := folded[i+n-1]
			if !multi || next == "" || quoted(lines[i+n-1]) || len(joined) > 400 {
				break
			}
			joined += " " + next
		}
		if ok, s := headerText(joined); ok {
			return n, s
		}
	}
	return 0, false
}

// headerText reads one folded, joined quote header candidate.
func headerText(s string) (ok, strong bool) {
	body, found := strings.CutSuffix(s, ":")
	if !found || len(s) > 500 {
		return false, false
	}
	body = strings.TrimSpace(body)
	dated := hasDigit(body)
	addressed := strings.Contains(body, "@")
	for _, v := range quoteVerbs {
		if strings.HasSuffix(body, v) {
			return true, dated || addressed
		}
	}
	if strings.HasSuffix(body, ">") && dated && addressed {
		return true, true
	}
	if hasAny(body, quoteMidVerbs) && dated {
		return true, true
	}
	return false, false
}

func startsWithDigit(s string) bool {
	return s != "" && s[0] >= '0' && s[0] <= '9'
}
