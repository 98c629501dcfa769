package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"incidentd/mailin"
)

// TestParseJSON: `incidentd parse -json` prints one object with every key
// of the contract, and reads a reply's command from its new text only.
func TestParseJSON(t *testing.T) {
	mail := "From: Alice <alice@example.com>\r\nTo: incidents@example.com\r\nSubject: RE: [INC-4] Printer jam\r\n" +
		"Message-ID: <r1@example.com>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		"Rechazar: es un duplicado de INC-2\r\n\r\nEl lun, 4 may 2026 a las 10:00, Incidents <incidents@example.com> escribió:\r\n> RESUELTO\r\n"
	var out, errOut strings.Builder
	if code := runMain(t.Context(), []string{"parse", "-json"}, strings.NewReader(mail), &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out.String()), &got); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, out.String())
	}
	for _, k := range []string{"kind", "incident", "matched_by", "command", "argument", "new_text", "fields",
		"attachments", "automatic_reason", "problems"} {
		if _, ok := got[k]; !ok {
			t.Errorf("key %q missing", k)
		}
	}
	want := map[string]any{"kind": "reply", "incident": 4.0, "matched_by": "subject", "command": "reject",
		"argument": "es un duplicado de INC-2", "new_text": "Rechazar: es un duplicado de INC-2", "automatic_reason": ""}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %#v, want %#v", k, got[k], v)
		}
	}
}

// TestParseJSONUnseen: `incidentd parse -json` reads each mail of
// mailin/parse/testdata/unseen-files (forwards, files and attachments in
// the shapes real clients write them) as the "explain" key of the .json
// beside it says: the kind, the new text, the forward and the names the
// attachments are kept under.
func TestParseJSONUnseen(t *testing.T) {
	files, err := filepath.Glob("../../mailin/parse/testdata/unseen-files/*.eml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no mails: %v", err)
	}
	type explained struct {
		Kind     string  `json:"kind"`
		Incident int64   `json:"incident"`
		NewText  *string `json:"new_text"`
		Forward  *struct {
			From, Subject string
		} `json:"forward"`
		Attachments []string `json:"attachments"`
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			sidecar, err := os.ReadFile(strings.TrimSuffix(file, ".eml") + ".json")
			if err != nil {
				t.Fatal(err)
			}
			var want struct{ Explain *explained }
			if err := json.Unmarshal(sidecar, &want); err != nil || want.Explain == nil {
				t.Fatalf("no \"explain\" key in the .json: %v", err)
			}
			var out, errOut strings.Builder
			if code := runMain(t.Context(), []string{"parse", "-json"}, bytes.NewReader(raw), &out, &errOut); code != 0 {
				t.Fatalf("exit %d: %s", code, errOut.String())
			}
			var got mailin.Explanation
			if err := json.Unmarshal([]byte(out.String()), &got); err != nil {
				t.Fatal(err)
			}
			w := want.Explain
			if got.Kind != w.Kind || got.Incident != w.Incident {
				t.Errorf("kind %s, incident %d; want %s, %d", got.Kind, got.Incident, w.Kind, w.Incident)
			}
			if w.NewText != nil && got.NewText != *w.NewText {
				t.Errorf("new_text %q, want %q", got.NewText, *w.NewText)
			}
			switch {
			case w.Forward == nil && got.Forward != nil:
				t.Errorf("forward %+v, want none", got.Forward)
			case w.Forward != nil && (got.Forward == nil || got.Forward.From != w.Forward.From || got.Forward.Subject != w.Forward.Subject):
				t.Errorf("forward %+v, want %+v", got.Forward, w.Forward)
			}
			names := []string{}
			for _, a := range got.Attachments {
				names = append(names, a.Name)
			}
			if !slices.Equal(names, w.Attachments) {
				t.Errorf("attachments %q, want %q", names, w.Attachments)
			}
		})
	}
}
