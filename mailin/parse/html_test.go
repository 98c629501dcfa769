package parse

import "testing"

// TestHTMLBlocksEndLines: an HTML-only mail keeps its lines, however its
// client wrote them (a div per line in Gmail, <br />, table cells), with
// one blank line where there was one and no more.
func TestHTMLBlocksEndLines(t *testing.T) {
	for _, c := range []struct{ name, html, want string }{
		{"gmail divs", `<div dir="ltr">ACEPTAR<div>Todo correcto.</div><div><br></div><div>Ana</div></div>`,
			"ACEPTAR\nTodo correcto.\n\nAna"},
		{"div per line", "<div>RESOLVED: cache flushed</div><div>Try again now.</div>", "RESOLVED: cache flushed\nTry again now."},
		{"xhtml breaks", "REJECT: duplicate<br />of INC-3<br /><br />Bob", "REJECT: duplicate\nof INC-3\n\nBob"},
		{"table cells", "<table><tr><td>Sistema:</td><td>Nóminas</td></tr><tr><td>Prioridad:</td><td>Alta</td></tr></table>",
			"Sistema: Nóminas\nPrioridad: Alta"},
		{"paragraphs", `<p class="x">One.</p><p>Two.</p>`, "One.\n\nTwo."},
	} {
		if got := htmlNewText(c.html); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}
