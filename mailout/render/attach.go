package render

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"

	"github.com/emersion/go-message/textproto"
)

// withFiles writes the mail rendered without attachments (mail) with atts
// added: a multipart/mixed whose first part is the mail's own body and
// the next ones the files, each read from its file and base64-encoded as
// it is written, so that a large file is never held in memory.
func withFiles(w io.Writer, mail []byte, atts []Attached) error {
	br := bufio.NewReader(bytes.NewReader(mail))
	h, err := textproto.ReadHeader(br)
	if err != nil {
		return fmt.Errorf("read rendered header: %w", err)
	}
	var body textproto.Header
	for _, k := range []string{"Content-Type", "Content-Transfer-Encoding"} {
		if v := h.Get(k); v != "" {
			body.Set(k, v)
			h.Del(k)
		}
	}
	mw := textproto.NewMultipartWriter(w)
	h.Set("Content-Type", mime.FormatMediaType("multipart/mixed", map[string]string{"boundary": mw.Boundary()}))
	if err := textproto.WriteHeader(w, h); err != nil {
		return err
	}
	pw, err := mw.CreatePart(body)
	if err != nil {
		return err
	}
	if _, err := io.Copy(pw, br); err != nil {
		return err
	}
	for _, a := range atts {
		if err := writeFile(mw, a); err != nil {
			return err
		}
	}
	return mw.Close()
}

// writeFile adds one of the incident's files, under its own name.
func writeFile(mw *textproto.MultipartWriter, a Attached) error {
	name := a.Filename
	if name == "" {
		name = "attachment"
	}
	ct := a.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	var h textproto.Header
	h.Set("Content-Type", mime.FormatMediaType(ct, map[string]string{"name": name}))
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set("Content-Transfer-Encoding", "base64")
	rc, err := a.Open()
	if err != nil {
		return fmt.Errorf("attachment %q: %w", a.Filename, err)
	}
	defer rc.Close()
	pw, err := mw.CreatePart(h)
	if err != nil {
		return err
	}
	enc := base64.NewEncoder(base64.StdEncoding, &lineWrapper{w: pw})
	if _, err := io.Copy(enc, rc); err != nil {
		return fmt.Errorf("attachment %q: %w", a.Filename, err)
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err = io.WriteString(pw, "\r\n")
	return err
}

// lineWrapper cuts base64 text into lines of 76 characters (RFC 2045).
type lineWrapper struct {
	w   io.Writer
	col int
}

func (l *lineWrapper) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		n := min(len(p), 76-l.col)
		if _, err := l.w.Write(p[:n]); err != nil {
			return written, err
		}
		written += n
		p = p[n:]
		if l.col += n; l.col == 76 {
			if _, err := io.WriteString(l.w, "\r\n"); err != nil {
				return written, err
			}
			l.col = 0
		}
	}
	return written, nil
}
