package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestHealthz: /healthz is 200 while the daemon is logged in to IMAP and
// the servers answer, and 503 naming the problem once the mail servers are
// gone.
func TestHealthz(t *testing.T) {
	w := startWorld(t, nil)
	get := func() (int, health) {
		rec := httptest.NewRecorder()
		w.d.healthz(rec, httptest.NewRequest("GET", "/healthz", nil))
		var h health
		if err := json.Unmarshal(rec.Body.Bytes(), &h); err != nil {
			t.Fatalf("/healthz is not JSON: %v\n%s", err, rec.Body.String())
		}
		return rec.Code, h
	}
	waitFor := func(what string, ok func(int, health) bool) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			code, h := get()
			if ok(code, h) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: still %d %+v", what, code, h)
			}
		}
	}
	waitFor("healthy", func(code int, h health) bool {
		return code == http.StatusOK && h.OK && h.IMAPSession && h.IMAP.Reachable && h.SMTP.Reachable
	})
	w.sys.Close()
	waitFor("unhealthy", func(code int, h health) bool {
		return code == http.StatusServiceUnavailable && !h.IMAPSession && !h.SMTP.Reachable && len(h.Problems) >= 2
	})
}
