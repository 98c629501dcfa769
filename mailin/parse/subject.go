package parse

import (
	"regexp"
	"strconv"
	"strings"
)

// replyPrefix matches one reply or forward prefix at the start of a
// subject, in the languages of common clients: Re, Fwd, Fw, RV, AW, WG,
// SV, TR, Antw, R, VS, Enc, Res, Odp, YNT, I, with an optional counter
// ("Re[2]:", "RE^2:") and a space before the colon as French clients write.
var replyPrefix = regexp.MustCompile(`(?i)^\s*(re|fwd?|fw|rv|aw|wg|sv|tr|antw|antwort|r|vs|vl|enc|res|odp|pd|ynt|i|rif|doorst|fs|ref)\s*(\[\d+\]|\^\d+|\(\d+\))?\s*[:：]\s*`)

// tagPattern matches the incident tag that incidentd puts in subjects.
var tagPattern = regexp.MustCompile(`(?i)\[\s*INC-(\d+)\s*\]`)

// Title returns the subject without its reply and forward prefixes (any
// number, any case) and without the [INC-n] tag: the incident's title.
func Title(subject string) string {
	s := strings.TrimSpace(tagPattern.ReplaceAllString(subject, " "))
	for {
		loc := replyPrefix.FindStringIndex(s)
		if loc == nil || loc[1] == 0 {
			break
		}
		s = strings.TrimSpace(tagPattern.ReplaceAllString(s[loc[1]:], " "))
	}
	return strings.Join(strings.Fields(s), " ")
}

// Tag returns n from the first "[INC-n]" in subject, 0 when there is none.
func Tag(subject string) int64 {
	m := tagPattern.FindStringSubmatch(subject)
	if m == nil {
		return 0
	}
	n, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil {
		return 0
	}
	return n
}

// forwardSubject reports whether a subject says that the mail forwards
// another one (Fwd:, FW:, RV:, WG:, TR:, I:, Enc:, VS:, Doorst:).
func forwardSubject(subject string) bool {
	s := subject
	for {
		loc := replyPrefix.FindStringSubmatchIndex(s)
		if loc == nil {
			return false
		}
		switch strings.ToLower(s[loc[2]:loc[3]]) {
		case "fwd", "fw", "rv", "wg", "tr", "i", "enc", "vs", "vl", "doorst", "pd", "fs":
			return true
		}
		s = s[loc[1]:]
	}
}
