package parse

import (
	"regexp"
	"strings"

	"github.com/k3a/html2text"
)

// htmlToText converts an HTML body to plain text. The spaces around each
// line are dropped: in HTML they come from the source's layout, not from
// the writer.
func htmlToText(html string) string {
	// html2text breaks lines at <br>, </p>, headings and list items only;
	// a block (each line of a Gmail message is a div) starts and ends a
	// line too, once however many blocks meet there.
	html = blockTag.ReplaceAllStringFunc(html, func(tag string) string {
		switch name := strings.TrimPrefix(asciiLower(tag[1:]), "/"); name[:2] {
		case "td", "th": // a table cell
			return tag + " "
		case "br":
			return "<br>" // html2text knows <br> and <br/>, not <br />
		}
		return string(blockMark) + tag + string(blockMark)
	})
	text := clean(html2text.HTML2TextWithOptions(html, html2text.WithUnixLineBreaks(), html2text.WithListSupport()))
	text = blockMarks.ReplaceAllString(text, "\n")
	lines := strings.Split(text, "\n")
	out := lines[:0]
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" && len(out) > 0 && out[len(out)-1] == "" {
			continue // one blank line is enough
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// blockMark stands, in the text, for a place where a block starts or
// ends; blockMarks is a run of them, with the spaces between them.
const blockMark = '\uE000'

var (
	blockTag   = regexp.MustCompile(`(?i)<(?:/?(?:div|blockquote|tr|table|section|article|header|footer|pre|center|address|t[dh])\b[^>]*|br\s*/)>`)
	blockMarks = regexp.MustCompile(`[ \t]*\x{E000}(?:[ \t]*\x{E000})*[ \t]*`)
)

// quoteMarkers start the quoted history in the HTML of common clients:
// Gmail, Thunderbird, Apple Mail, Outlook on the web and for Mac, Yahoo.
var quoteMarkers = []string{
	"gmail_quote", "moz-cite-prefix", "<blockquote", "divrplyfwdmsg", "olk_src_body_section",
	"yahoo_quoted", "mail-editor-reference-message-container", "id=\"appendonsend\"",
	"class=\"protonmail_quote\"", "zmail_extra",
}

// rulers are the separator lines that Outlook and Hotmail draw above a
// quoted header block: a horizontal rule or a div with a top border. They
// become a line of underscores, which the reply trimmer cuts at when a
// header block follows it.
var rulers = []string{"<hr", "border-top:solid", "border-top: solid"}

// rulerLine stands for a ruler in the converted text.
const rulerLine = "________________________________"

// htmlNewText returns the new text of an HTML-only reply: the HTML is cut
// where the quoted history starts, converted to text, and trimmed like a
// plain-text reply. When nothing is written above the history, the answer
// is below it or between its parts (bottom-posted or interleaved, as
// Thunderbird and Apple Mail write them for those who choose to): the
// quoted blocks become "> " lines, and the whole is trimmed as plain text.
func htmlNewText(html string) string {
	if text := htmlTopText(html); text != "" {
		return text
	}
	return NewText(quotedText(html))
}

// quotedText converts html to text, each line of a top-level
// <blockquote> written as a quoted line ("> ").
func quotedText(html string) string {
	lower := asciiLower(html)
	var b strings.Builder
	for len(html) > 0 {
		start := strings.Index(lower, "<blockquote")
		if start < 0 {
			b.WriteString(htmlToText(html))
			break
		}
		end := blockquoteEnd(lower, start)
		b.WriteString(htmlToText(html[:start]))
		b.WriteByte('\n')
		for _, l := range strings.Split(htmlToText(html[start:end]), "\n") {
			b.WriteString(strings.TrimRight("> "+l, " ") + "\n")
		}
		html, lower = html[end:], lower[end:]
	}
	return b.String()
}

// blockquoteEnd is the end of the <blockquote> element that starts at
// start in lower (lower-cased HTML), nested ones included: the end of
// lower when it is not closed.
func blockquoteEnd(lower string, start int) int {
	depth := 0
	for i := start; i < len(lower); {
		open := strings.Index(lower[i:], "<blockquote")
		closing := strings.Index(lower[i:], "</blockquote")
		switch {
		case closing < 0:
			return len(lower)
		case open >= 0 && open < closing:
			depth++
			i += open + len("<blockquote")
		default:
			depth--
			i += closing + len("</blockquote")
			if depth == 0 {
				if gt := strings.IndexByte(lower[i:], '>'); gt >= 0 {
					return i + gt + 1
				}
				return len(lower)
			}
		}
	}
	return len(lower)
}

// htmlTopText is the new text written above the quoted history of html.
func htmlTopText(html string) string {
	lower := asciiLower(html)
	cut := len(html)
	for _, m := range quoteMarkers {
		if i := strings.Index(lower[:cut], m); i >= 0 {
			cut = tagStart(lower, i)
		}
	}
	html, lower = html[:cut], lower[:cut]
	next := make([]int, len(rulers)) // the next position of each ruler, -1 when none is left
	for k, r := range rulers {
		next[k] = strings.Index(lower, r)
	}
	var b strings.Builder
	last := 0
	for {
		k := -1
		for j, at := range next {
			if at >= 0 && (k < 0 || at < next[k]) {
				k = j
			}
		}
		if k < 0 {
			break
		}
		at := next[k]
		b.WriteString(html[last:max(tagStart(lower, at), last)])
		b.WriteString("<p>" + rulerLine + "</p>")
		last = len(html)
		if end := strings.IndexByte(lower[at:], '>'); end >= 0 {
			last = at + end + 1
		}
		for j, r := range rulers {
			if next[j] >= 0 && next[j] < last {
				next[j] = strings.Index(lower[last:], r)
				if next[j] >= 0 {
					next[j] += last
				}
			}
		}
	}
	b.WriteString(html[last:])
	text := NewText(htmlToText(b.String()))
	if !strings.Contains(text, rulerLine) {
		return text
	}
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if l == rulerLine || (l == "" && len(out) > 0 && out[len(out)-1] == "") {
			continue
		}
		out = append(out, l)
	}
	return trimBlank(out)
}

// tagStart returns the start of the tag that holds position i of html.
func tagStart(html string, i int) int {
	if j := strings.LastIndexByte(html[:i], '<'); j >= 0 && !strings.Contains(html[j:i], ">") {
		return j
	}
	return i
}

// asciiLower lower-cases the ASCII letters of s, keeping byte offsets.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
