package parse

import (
	"testing"
)

func TestAutomatic(t *testing.T) {
	cases := []struct{ header, want string }{
		{"Auto-Submitted: auto-generated\n", "Auto-Submitted: auto-generated"},
		{"Auto-Submitted: no\n", ""},
		{"Precedence: bulk\n", "Precedence: bulk"},
		{"Precedence: junk\n", "Precedence: junk"},
		{"Precedence: list\n", "Precedence: list"},
		{"X-Autoreply: yes\n", "X-Autoreply"},
		{"X-Autorespond: 1\n", "X-Autorespond"},
		{"X-Apple-Action: VACATION\n", "X-Apple-Action: VACATION"},
		{"List-Id: <dev.lists.example.com>\n", "List-Id"},
		{"List-Unsubscribe: <mailto:u@example.com>\n", "List-Unsubscribe"},
		{"Return-Path: < >\n", "null return path"},
		{"X-Auto-Response-Suppress: All\n", ""},
		{"Subject: Automatic reply: [INC-3] x\n", "out-of-office subject"},
		{"Subject: Respuesta automática: informe\n", "out-of-office subject"},
		{"Subject: Réponse automatique : rapport\n", "out-of-office subject"},
		{"Subject: Autosvar: rapport\n", "out-of-office subject"},
		{"Subject: Absent data in the monthly report\n", ""},
		{"Subject: Out of Office\n", "out-of-office subject"},
		{"Content-Type: multipart/report; report-type=disposition-notification; boundary=x\n", "multipart/report"},
	}
	for _, c := range cases {
		raw := "From: Ann <ann@example.com>\n" + c.header + "\nbody\n"
		m, err := Parse([]byte(raw))
		if err != nil {
			t.Fatalf("%q: %v", c.header, err)
		}
		if m.Automatic != c.want {
			t.Errorf("%q: Automatic = %q, want %q", c.header, m.Automatic, c.want)
		}
	}
	m, err := Parse([]byte("From: MAILER-DAEMON@example.com\nSubject: failure\n\nbody\n"))
	if err != nil || m.Automatic == "" {
		t.Errorf("a plain-text bounce from MAILER-DAEMON is not automatic: %v %q", err, m.Automatic)
	}
}

func TestParseDamaged(t *testing.T) {
	if _, err := Parse(nil); err == nil {
		t.Error("Parse(nil) succeeded")
	}
	if _, err := Parse([]byte("no header here at all\n")); err == nil {
		t.Error("Parse of text without header succeeded")
	}
	m, err := Parse([]byte("From: ann@example.com\nSubject: x\nContent-Type: multipart/mixed; boundary=zz\n\n--zz\nContent-Type: text/plain\n\nACCEPT\n--zz\nContent-Type: application/pdf; name=a.pdf\nContent-Transfer-Encoding: base64\n\nJVBERi0x"))
	if err != nil {
		t.Fatal(err)
	}
	if m.NewText != "ACCEPT" || len(m.Attachments) != 1 || len(m.Problems) == 0 {
		t.Errorf("broken boundary: NewText %q, %d attachments, problems %q", m.NewText, len(m.Attachments), m.Problems)
	}
}
