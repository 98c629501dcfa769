package mailin

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"incidentd/mailin/parse"
	"incidentd/workflow"
	"incidentd/workflow/store"
)

// Explanation says how incidentd reads a mail, without acting on it
// (`incidentd parse`). Its JSON keys are part of the CLI contract.
type Explanation struct {
	// Kind is report, reply, automatic or forward: a forward is a report
	// about the forwarded mail, or, when the mail names an incident (a
	// tag, threading headers), a comment on it carrying the forwarded mail.
	Kind        string           `json:"kind"`
	Incident    int64            `json:"incident"`   // 0 when none
	MatchedBy   string           `json:"matched_by"` // token, references, subject; "" when none
	Command     workflow.Verb    `json:"command"`    // "" when the reply holds no keyword
	Argument    string           `json:"argument"`
	NewText     string           `json:"new_text"`
	Fields      *ExplainedFields `json:"fields"` // null unless a report
	Attachments []ExplainedFile  `json:"attachments"`
	Automatic   string           `json:"automatic_reason"` // why the mail gets no answer; "" when it gets one
	Problems    []string         `json:"problems"`
	// Authenticated says whether a reply's command would count under the
	// command policy (always false without the configuration's secret).
	Authenticated bool                  `json:"authenticated"`
	Forward       *ExplainedForward     `json:"forward,omitempty"`
	Subject       string                `json:"subject"`
	From          string                `json:"from"`
	MessageID     string                `json:"message_id,omitempty"`
	Assumed       []workflow.Assumption `json:"assumed,omitempty"`
	// Missing names the required fields the report does not give.
	Missing []string `json:"missing,omitempty"`
}

// ExplainedFields are the report fields read from a mail. In JSON the
// organization's own fields stand beside the built-in ones, by name.
type ExplainedFields struct {
	Title       string            `json:"title"`
	Type        workflow.Type     `json:"type"`
	Priority    workflow.Priority `json:"priority"`
	System      string            `json:"system"`
	Description string            `json:"description"`
	Steps       string            `json:"steps"`
	Own         map[string]string `json:"-"`
}

// MarshalJSON writes the built-in fields and the organization's own as
// one object.
func (f ExplainedFields) MarshalJSON() ([]byte, error) {
	type builtin ExplainedFields
	b, err := json.Marshal(builtin(f))
	if err != nil || len(f.Own) == 0 {
		return b, err
	}
	own, err := json.Marshal(f.Own)
	if err != nil {
		return nil, err
	}
	return append(append(b[:len(b)-1], ','), own[1:]...), nil
}

// ExplainedForward is the mail a message forwards.
type ExplainedForward struct {
	From    string    `json:"from"`
	Date    time.Time `json:"date"`
	Subject string    `json:"subject"`
}

// ExplainedFile is an attachment of a mail.
type ExplainedFile struct {
	Name   string `json:"name"`
	Type   string `json:"type"`
	Size   int    `json:"size"`
	Inline bool   `json:"inline,omitempty"`
}

// Explain reads raw as Handle would, without acting on it. With a Store it
// matches the mail against the incidents there (verifying reply tokens when
// the Processor has its key); without one, only the subject tag and the
// presence of threading headers tell a reply from a report. Attachment
// names are shown as they would be kept (SafeFilename).
func (p *Processor) Explain(ctx context.Context, raw []byte) (Explanation, error) {
	msg, err := parse.Parse(raw)
	if err != nil {
		return Explanation{}, fmt.Errorf("parse: %w", err)
	}
	tr := readTrace(bytes.NewReader(raw))
	e := Explanation{NewText: msg.NewText, Automatic: p.ignored(msg, tr), Problems: msg.Problems,
		Subject: msg.Subject, From: msg.From.Address, MessageID: msg.MessageID, Attachments: []ExplainedFile{}}
	if e.Problems == nil {
		e.Problems = []string{}
	}
	if f := msg.Forward; f != nil {
		e.Forward = &ExplainedForward{From: f.From.Address, Date: f.Date, Subject: f.Subject}
	}
	for _, a := range msg.Attachments {
		e.Attachments = append(e.Attachments, ExplainedFile{Name: SafeFilename(a.Filename), Type: a.ContentType, Size: int(a.Size), Inline: a.Inline})
	}
	var m matchResult
	if p.Store != nil {
		err = p.Store.View(ctx, func(tx *store.Tx) error {
			m, err = match(tx, msg, p.tokenIncidents(msg, tr))
			return err
		})
		if err != nil {
			return e, err
		}
		m.authenticated = m.id != 0 && p.authenticated(msg, tr, m)
	} else if msg.Tag != 0 {
		m = matchResult{id: msg.Tag, by: "subject"}
	}
	switch {
	case e.Automatic != "":
		e.Kind = "automatic"
	case m.id != 0 || m.unknown != 0 || (p.Store == nil && len(msg.InReplyTo)+len(msg.References) > 0):
		e.Kind = "reply"
		e.Incident, e.MatchedBy, e.Authenticated = m.id+m.unknown, m.by, m.authenticated
		if m.unknown != 0 {
			e.Problems = append(e.Problems, fmt.Sprintf("INC-%d does not exist", m.unknown))
		}
		if msg.Forward != nil {
			e.Kind = "forward" // a comment carrying the forwarded mail; no command
			break
		}
		cmd, _, err := workflow.ParseCommand(parse.WithoutSignoff(msg.NewText))
		if err != nil {
			e.Problems = append(e.Problems, err.Error())
		}
		e.Command, e.Argument = cmd.Verb, cmd.Argument
	default:
		e.Kind = "report"
		if msg.Forward != nil {
			e.Kind = "forward"
		}
		f, assumed, missing := parse.Report(reportText(msg), p.Form, p.Defaults)
		e.Fields = &ExplainedFields{Title: parse.Title(msg.Subject), Type: f.Type, Priority: f.Priority,
			System: f.System, Description: f.Description, Steps: f.Steps, Own: f.Values}
		e.Assumed, e.Missing = assumed, missing
	}
	return e, nil
}
