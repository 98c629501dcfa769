package main

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/emersion/go-message/mail"
)

// TestHostileMail reports an incident whose subject, text and attachment
// name carry HTML and script, and a filename with a path and control
// characters: the filename is kept safe, and the HTML of the notice the
// evaluator gets shows all of it as text.
func TestHostileMail(t *testing.T) {
	w := startWorld(t, nil)
	hostile := "<script>alert(1)</script>"
	raw := "From: carol@example.com\r\nTo: incidents@example.com\r\nSubject: Broken " + hostile + "\r\n" +
		"Message-ID: <hostile@example.com>\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSistema: <b onmouseover=alert(2)>Portal</b>\r\n" +
		"It fails: <img src=x onerror=alert(3)>\r\n" +
		"--b\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename*=utf-8''..%2F..%2Fetc%2F%3Cimg%20src%3Dx%20onerror%3Dalert(4)%3E%07%0D%0ABcc%3A%20x.png\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--b--\r\n"
	if err := w.sys.Send("carol@example.com", []string{"incidents@example.com"}, []byte(raw)); err != nil {
		t.Fatal(err)
	}
	if _, err := w.client.await(t.Context(), "carol"); err != nil {
		t.Fatal(err)
	}
	r, err := w.client.await(t.Context(), "alice")
	if err != nil {
		t.Fatal(err)
	}
	_, _, atts := w.incident(t, 1)
	if len(atts) != 1 || strings.ContainsAny(atts[0].Filename, "/\\\r\n\a") || !strings.HasSuffix(atts[0].Filename, ".png") {
		t.Fatalf("attachments %+v", atts)
	}
	html := htmlPart(t, r.raw)
	for _, bad := range []string{"<script", "<img", "<b onmouseover", "alert(1)</script>"} {
		if strings.Contains(html, bad) {
			t.Errorf("the HTML notice holds %q unescaped:\n%s", bad, html)
		}
	}
	if !strings.Contains(html, "&lt;script&gt;") {
		t.Errorf("the HTML notice lost the subject's text:\n%s", html)
	}
}

// htmlPart returns the decoded text/html part of a mail.
func htmlPart(t *testing.T, raw []byte) string {
	t.Helper()
	mr, err := mail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h, ok := p.Header.(*mail.InlineHeader); ok {
			if ct, _, _ := h.ContentType(); ct == "text/html" {
				b, err := io.ReadAll(p.Body)
				if err != nil {
					t.Fatal(err)
				}
				return string(b)
			}
		}
	}
	t.Fatal("no text/html part")
	return ""
}
