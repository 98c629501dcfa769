package main

import (
	"encoding/json"
	"strings"
	"testing"
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
