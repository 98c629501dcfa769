// Package rendertest holds what the tests of mailout and mailout/render
// share: the sender and the incident their mails are about, and a reader
// that takes a rendered or sent mail apart into its bodies and files.
package rendertest

import (
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"

	"incidentd/workflow"
)

// From is the sender of the tests' mail.
const From = "Incidents <incidents@example.com>"

// T0 is the tests' present: the incident's creation, the mails' date.
var T0 = time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)

// Incident is a realistic incident in state.
func Incident(id int64, state workflow.State) workflow.Incident {
	return workflow.Incident{
		ID: id, Title: "Login page returns 500", Reporter: "carol@example.com", ReporterName: "Carol Díaz",
		Fields: workflow.Fields{Type: workflow.TypeError, Priority: workflow.PriorityHigh, System: "Portal",
			Description: "Since this morning the login page fails.\nEveryone is affected.",
			Steps:       "1. Open https://portal.example.com\n2. Log in"},
		State: state, AcceptedBy: "alice@example.com", Created: T0, Updated: T0,
	}
}

// Parts are the bodies and files of a mail.
type Parts struct {
	Text, HTML  string
	Attachments map[string]string // filename → content
}

// Parse reads a mail with go-message, failing the test on error.
func Parse(t *testing.T, data []byte) (*mail.Reader, Parts) {
	t.Helper()
	mr, err := mail.CreateReader(strings.NewReader(string(data)))
	if err != nil {
		t.Fatalf("parse mail: %v\n%s", err, data)
	}
	p := Parts{Attachments: map[string]string{}}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("next part: %v", err)
		}
		body, err := io.ReadAll(part.Body)
		if err != nil {
			t.Fatalf("read part: %v", err)
		}
		switch h := part.Header.(type) {
		case *mail.InlineHeader:
			ct, _, _ := h.ContentType()
			switch ct {
			case "text/plain":
				p.Text = string(body)
			case "text/html":
				p.HTML = string(body)
			default:
				t.Errorf("unexpected inline part %s", ct)
			}
		case *mail.AttachmentHeader:
			name, err := h.Filename()
			if err != nil {
				t.Fatalf("attachment filename: %v", err)
			}
			p.Attachments[name] = string(body)
		}
	}
	return mr, p
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

// HTMLText drops the tags of an HTML body and undoes its escaping, for
// comparing its words.
func HTMLText(s string) string {
	s = tagRE.ReplaceAllString(s, "")
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&#34;", `"`, "&quot;", `"`, "&#39;", "'", "&amp;", "&").Replace(s)
}
