package mailin

import (
	"context"
	"fmt"

	"incidentd/mailin/parse"
	"incidentd/workflow"
	"incidentd/workflow/store"
)

// Explanation says how incidentd reads a mail, without acting on it
// (`incidentd parse`). Its JSON keys are part of the CLI contract.
type Explanation struct {
	Kind        string                `json:"kind"` // report, reply, automatic, forward
	Incident    int64                 `json:"incident,omitempty"`
	MatchedBy   string                `json:"matched_by,omitempty"` // token, references, subject
	Command     workflow.Verb         `json:"command,omitempty"`
	Argument    string                `json:"argument,omitempty"`
	NewText     string                `json:"new_text"`
	Fields      *ExplainedFields      `json:"fields,omitempty"`
	Attachments []ExplainedFile       `json:"attachments"`
	Automatic   string                `json:"automatic_reason,omitempty"`
	Problems    []string              `json:"problems"`
	Subject     string                `json:"subject"`
	From        string                `json:"from"`
	MessageID   string                `json:"message_id,omitempty"`
	Assumed     []workflow.Assumption `json:"assumed,omitempty"`
}

// ExplainedFields are the report fields read from a mail.
type ExplainedFields struct {
	Title       string            `json:"title"`
	Type        workflow.Type     `json:"type"`
	Priority    workflow.Priority `json:"priority"`
	System      string            `json:"system"`
	Description string            `json:"description"`
	Steps       string            `json:"steps"`
}

// ExplainedFile is an attachment of a mail.
type ExplainedFile struct {
	Name   string `json:"name"`
	Type   string `json:"type"`
	Size   int    `json:"size"`
	Inline bool   `json:"inline,omitempty"`
}

// Explain reads raw as Handle would. With a store it matches the mail
// against the incidents there; without one, only the subject tag and the
// presence of threading headers tell a reply from a report. Reply tokens
// are not verified (that needs the secret): a reply is matched by its
// thread or its subject tag. Attachment names are shown as they would be
// kept (SafeFilename).
func Explain(ctx context.Context, st *store.Store, raw []byte, defaults workflow.Fields) (Explanation, error) {
	msg, err := parse.Parse(raw)
	if err != nil {
		return Explanation{}, fmt.Errorf("parse: %w", err)
	}
	e := Explanation{NewText: msg.NewText, Automatic: msg.Automatic, Problems: msg.Problems,
		Subject: msg.Subject, From: msg.From.Address, MessageID: msg.MessageID, Attachments: []ExplainedFile{}}
	if e.Problems == nil {
		e.Problems = []string{}
	}
	for _, a := range msg.Attachments {
		e.Attachments = append(e.Attachments, ExplainedFile{Name: SafeFilename(a.Filename), Type: a.ContentType, Size: len(a.Data), Inline: a.Inline})
	}
	var m matchResult
	if st != nil {
		err = st.View(ctx, func(tx *store.Tx) error {
			m, err = match(tx, msg, nil)
			return err
		})
		if err != nil {
			return e, err
		}
	} else if msg.Tag != 0 {
		m = matchResult{id: msg.Tag, by: "subject"}
	}
	switch {
	case msg.Automatic != "":
		e.Kind = "automatic"
	case m.id != 0 || m.unknown != 0 || (st == nil && len(msg.InReplyTo)+len(msg.References) > 0):
		e.Kind = "reply"
		e.Incident, e.MatchedBy = m.id+m.unknown, m.by
		cmd, _, err := workflow.ParseCommand(msg.NewText)
		if err != nil {
			e.Problems = append(e.Problems, err.Error())
		}
		e.Command, e.Argument = cmd.Verb, cmd.Argument
	default:
		e.Kind = "report"
		if msg.Forward != nil {
			e.Kind = "forward"
		}
		f, assumed := parse.Report(reportText(msg), defaults)
		e.Fields = &ExplainedFields{Title: parse.Title(msg.Subject), Type: f.Type, Priority: f.Priority,
			System: f.System, Description: f.Description, Steps: f.Steps}
		e.Assumed = assumed
	}
	return e, nil
}
