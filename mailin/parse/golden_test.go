package parse

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"incidentd/workflow"
)

// golden is the expected reading of a testdata/*.eml file, kept beside it
// as a .json file. Only the keys present are checked.
type golden struct {
	Subject        *string
	Title          *string
	Tag            *int64
	From           *string
	FromName       *string  `json:"from_name"`
	MessageID      *string  `json:"message_id"`
	InReplyTo      []string `json:"in_reply_to"`
	References     []string
	ReturnPath     *string `json:"return_path"`
	Automatic      *string
	NewText        *string `json:"new_text"`
	ForwardSubject *string `json:"forward_subject"`
	ForwardFrom    *string `json:"forward_from"`
	ForwardDate    *string `json:"forward_date"` // RFC 3339
	ForwardText    *string `json:"forward_text"` // a part of the forwarded text
	Problems       *bool
	Attachments    []struct {
		Filename    string
		ContentType string `json:"content_type"`
		Inline      bool
		ContentID   string `json:"content_id"`
	}
	Fields  *workflow.Fields
	Assumed []workflow.Assumption
	// Client is the mail client whose shape the mail follows, with its
	// version: where the mail comes from (the unseen-files cases).
	Client string
}

// reportDefaults are the configured defaults the golden reports assume.
var reportDefaults = workflow.Fields{Type: workflow.TypeError, Priority: workflow.PriorityMedium}

func TestGolden(t *testing.T) {
	runGolden(t, "testdata/*.eml")
}

// runGolden checks each mail that pattern names against the .json file
// beside it.
func runGolden(t *testing.T, pattern string) {
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			js, err := os.ReadFile(strings.TrimSuffix(file, ".eml") + ".json")
			if err != nil {
				t.Fatal(err)
			}
			var g golden
			if err := json.Unmarshal(js, &g); err != nil {
				t.Fatalf("golden: %v", err)
			}
			m, err := Parse(raw)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			checkGolden(t, g, m)
			if strings.Contains(file, "unseen-files") && g.Client == "" {
				t.Error("the golden file does not say which client writes the mail in this shape")
			}
		})
	}
}

func checkGolden(t *testing.T, g golden, m *Message) {
	t.Helper()
	eq := func(what string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v, want %#v", what, got, want)
		}
	}
	if g.Subject != nil {
		eq("Subject", m.Subject, *g.Subject)
	}
	if g.Title != nil {
		eq("Title", Title(m.Subject), *g.Title)
	}
	if g.Tag != nil {
		eq("Tag", m.Tag, *g.Tag)
	}
	if g.From != nil {
		eq("From.Address", m.From.Address, *g.From)
	}
	if g.FromName != nil {
		eq("From.Name", m.From.Name, *g.FromName)
	}
	if g.MessageID != nil {
		eq("MessageID", m.MessageID, *g.MessageID)
	}
	if g.InReplyTo != nil {
		eq("InReplyTo", m.InReplyTo, g.InReplyTo)
	}
	if g.References != nil {
		eq("References", m.References, g.References)
	}
	if g.ReturnPath != nil {
		eq("ReturnPath", m.ReturnPath, *g.ReturnPath)
	}
	want := ""
	if g.Automatic != nil {
		want = *g.Automatic
	}
	eq("Automatic", m.Automatic, want)
	if g.NewText != nil {
		eq("NewText", m.NewText, *g.NewText)
	}
	checkForward(t, g, m.Forward)
	if g.Problems != nil {
		eq("has Problems", len(m.Problems) > 0, *g.Problems)
	} else if len(m.Problems) > 0 {
		t.Errorf("unexpected Problems: %q", m.Problems)
	}
	if g.Attachments != nil {
		if len(m.Attachments) != len(g.Attachments) {
			t.Fatalf("%d attachments, want %d", len(m.Attachments), len(g.Attachments))
		}
		for i, a := range g.Attachments {
			got := m.Attachments[i]
			eq("attachment", []any{got.Filename, got.ContentType, got.Inline, got.ContentID},
				[]any{a.Filename, a.ContentType, a.Inline, a.ContentID})
			if len(got.Data) == 0 {
				t.Errorf("attachment %d has no data", i)
			}
		}
	}
	if g.Fields != nil {
		fields, assumed, _ := Report(m.NewText, workflow.Form{}, reportDefaults)
		eq("Fields", fields, *g.Fields)
		if assumed == nil {
			assumed = []workflow.Assumption{}
		}
		if g.Assumed == nil {
			g.Assumed = []workflow.Assumption{}
		}
		eq("Assumed", assumed, g.Assumed)
	}
}

// checkForward compares the forwarded mail with the forward_* keys.
func checkForward(t *testing.T, g golden, fw *Forward) {
	t.Helper()
	if g.ForwardSubject == nil && g.ForwardFrom == nil && g.ForwardDate == nil && g.ForwardText == nil {
		return
	}
	if fw == nil {
		t.Error("Forward = nil, want a forwarded mail")
		return
	}
	if g.ForwardSubject != nil && fw.Subject != *g.ForwardSubject {
		t.Errorf("Forward.Subject = %q, want %q", fw.Subject, *g.ForwardSubject)
	}
	if g.ForwardFrom != nil && fw.From.Address != *g.ForwardFrom {
		t.Errorf("Forward.From = %q, want %q", fw.From.Address, *g.ForwardFrom)
	}
	if g.ForwardDate != nil {
		if want, err := time.Parse(time.RFC3339, *g.ForwardDate); err != nil || !fw.Date.Equal(want) {
			t.Errorf("Forward.Date = %v, want %s (%v)", fw.Date, *g.ForwardDate, err)
		}
	}
	if g.ForwardText != nil && !strings.Contains(fw.Text, *g.ForwardText) {
		t.Errorf("Forward.Text = %q, want it to hold %q", fw.Text, *g.ForwardText)
	}
}
