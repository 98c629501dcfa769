// Command render writes every notification incidentd sends, in Spanish
// and English, as the HTML and plain-text bodies a mail client shows, from
// realistic sample data: `make render` then draws each HTML file to a PNG
// with headless Chromium so that people can look at them.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/emersion/go-message/mail"

	"incidentd/mailout/render"
	"incidentd/workflow/store"
)

func main() {
	out := flag.String("out", "render", "the `directory` to write <lang>-<sample>.html and .txt into")
	flag.Parse()
	if err := run(*out, time.Date(2026, 3, 9, 8, 0, 0, 0, time.UTC)); err != nil {
		fmt.Fprintln(os.Stderr, "render:", err)
		os.Exit(1)
	}
}

// run writes the bodies of every sample in both languages into dir.
func run(dir string, now time.Time) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, lang := range []string{"es", "en"} {
		r, err := render.NewRenderer(render.Options{Language: lang, TemplateDir: "", From: "Incidents <incidents@example.com>",
			Roles: sampleRoles})
		if err != nil {
			return err
		}
		for _, s := range samples(now) {
			text, html, err := bodies(r, s.out)
			if err != nil {
				return fmt.Errorf("%s %s: %w", lang, s.name, err)
			}
			base := filepath.Join(dir, lang+"-"+s.name)
			if err := os.WriteFile(base+".html", []byte(html), 0o644); err != nil {
				return err
			}
			if err := os.WriteFile(base+".txt", []byte(text), 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

// bodies renders o and reads back its plain-text and HTML bodies; the
// subject heads the text.
func bodies(r *render.Renderer, o store.Outgoing) (text, html string, err error) {
	raw, err := r.Render(o, "", nil)
	if err != nil {
		return "", "", err
	}
	mr, err := mail.CreateReader(strings.NewReader(string(raw)))
	if err != nil {
		return "", "", fmt.Errorf("read rendered mail: %w", err)
	}
	subject, _ := mr.Header.Subject()
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", "", fmt.Errorf("read rendered mail: %w", err)
		}
		b, err := io.ReadAll(p.Body)
		if err != nil {
			return "", "", fmt.Errorf("read rendered mail: %w", err)
		}
		if h, ok := p.Header.(*mail.InlineHeader); ok {
			switch ct, _, _ := h.ContentType(); ct {
			case "text/plain":
				text = "Subject: " + subject + "\n\n" + string(b)
			case "text/html":
				html = string(b)
			}
		}
	}
	if text == "" || html == "" {
		return "", "", errors.New("the mail lacks a text or an HTML body")
	}
	return text, html, nil
}
