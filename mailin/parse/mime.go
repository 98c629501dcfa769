package parse

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"mime"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/charset"
	"github.com/emersion/go-message/textproto"
)

// maxDepth bounds the nesting of multiparts and enclosed messages.
const maxDepth = 20

// body collects what the MIME tree of a mail holds.
type body struct {
	plain, html []string // the text parts, decoded, in order
	attachments []Attachment
	forwards    []enclosed // the message/rfc822 parts, read
	report      bool       // a multipart/report was seen
	problems    []string
	keep        Keeper // takes attachments' content; nil: kept in Data
	keepErr     error  // the first error of keep, which ends the walk
}

// enclosed is the reading of an attached message, or why it has none.
type enclosed struct {
	msg *Message
	err error
}

func (b *body) problem(format string, args ...any) {
	b.problems = append(b.problems, fmt.Sprintf(format, args...))
}

// walk reads one entity of the MIME tree. name says where it is, for
// problems ("part 1.2").
func (b *body) walk(h message.Header, r io.Reader, name string, depth int) {
	mediaType, params := contentType(h)
	if depth > maxDepth {
		b.problem("%s: MIME parts nested too deeply; the rest of the mail was not read", name)
		return
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		if mediaType == "multipart/report" {
			b.report = true
		}
		b.multipart(r, params["boundary"], name, depth)
		return
	}
	e, err := message.New(h, r)
	if e == nil {
		b.problem("%s: %v", name, err)
		return
	}
	if message.IsUnknownEncoding(err) {
		b.problem("%s (%s): unknown transfer encoding %q; kept as it was", name, mediaType, h.Get("Content-Transfer-Encoding"))
	}
	disp, filename := disposition(h, params)
	content := &damage{r: e.Body}
	defer func() {
		if content.err != nil {
			b.problem("%s (%s): the content is damaged (%v); what could be read was kept", name, mediaType, content.err)
		}
	}()
	switch {
	case mediaType == "message/rfc822" || mediaType == "message/global":
		data, _ := io.ReadAll(content)
		b.enclosed(h, mediaType, disp, filename, data, depth)
	case (mediaType == "text/plain" || mediaType == "text/html") && disp != "attachment" && filename == "":
		data, _ := io.ReadAll(content)
		text := b.decodeText(data, params["charset"], err, name)
		if mediaType == "text/html" {
			b.html = append(b.html, text)
		} else {
			b.plain = append(b.plain, text)
		}
	case mediaType == "application/ms-tnef" || mediaType == "application/vnd.ms-tnef":
		data, _ := io.ReadAll(content)
		b.tnef(h, mediaType, disp, filename, data, name)
	case mediaType == "message/delivery-status" || mediaType == "message/disposition-notification" ||
		mediaType == "message/feedback-report" || mediaType == "text/rfc822-headers" || mediaType == "message/rfc822-headers":
		// The machine-readable parts of a report: not for people.
	default:
		b.attach(h, mediaType, disp, filename, content)
	}
}

// enclosed keeps an attached message (a forward as attachment): first the
// files it carries, with their names, then the message itself as a file,
// named after its subject when it has no name ("Subject.eml"), unless it
// is the mail a delivery report returns. Its reading is kept for the
// forward.
func (b *body) enclosed(h message.Header, mediaType, disp, filename string, data []byte, depth int) {
	if depth >= maxDepth {
		b.forwards = append(b.forwards, enclosed{err: errTooDeep})
		b.attach(h, mediaType, disp, filename, bytes.NewReader(data))
		return
	}
	keep := b.keep
	if keep != nil {
		keep = func(a Attachment, content io.Reader) (int64, error) {
			size, err := b.keep(a, content)
			if err != nil && b.keepErr == nil {
				b.keepErr = fmt.Errorf("keep attachment %q: %w", a.Filename, err)
			}
			return size, err
		}
	}
	inner, err := parse(bytes.NewReader(data), depth+1, keep)
	if b.keepErr != nil {
		return
	}
	b.forwards = append(b.forwards, enclosed{msg: inner, err: err})
	if inner != nil {
		b.attachments = append(b.attachments, inner.Attachments...)
		if filename == "" && !b.report { // a report's returned mail is no one's file
			filename = messageFilename(inner.Subject)
		}
	}
	b.attach(h, mediaType, disp, filename, bytes.NewReader(data))
}

// errTooDeep says that an enclosed message was not read, nested too deeply.
var errTooDeep = fmt.Errorf("messages enclosed too deeply (more than %d levels)", maxDepth)

// messageFilename names an attached message after its subject, as mail
// clients save it: "Subject.eml", with the characters that file systems
// refuse in a name replaced by '_'; "message.eml" without a subject.
func messageFilename(subject string) string {
	name := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) {
			return '_'
		}
		return r
	}, subject)
	name = safeName(name)
	if name == "" {
		name = "message"
	}
	return name + ".eml"
}

// tnef keeps the files of Outlook's winmail.dat (see tnef.go) as the
// attachments they are. A winmail.dat that cannot be read is kept as it
// is, with a problem; one that holds no file (only the formatting of the
// text) is dropped.
func (b *body) tnef(h message.Header, mediaType, disp, filename string, data []byte, name string) {
	files, err := readTNEF(data)
	switch {
	case err != nil && len(files) == 0:
		b.problem("%s (%s): %v; kept as it was", name, mediaType, err)
		b.attach(h, mediaType, disp, filename, bytes.NewReader(data))
		return
	case err != nil:
		b.problem("%s (%s): %v; the files before the damage were kept", name, mediaType, err)
	}
	for _, f := range files {
		a := Attachment{Filename: safeName(f.name), ContentType: f.contentType, ContentID: f.contentID}
		if a.ContentType == "" || !strings.Contains(a.ContentType, "/") {
			a.ContentType = cmp.Or(mime.TypeByExtension(path.Ext(a.Filename)), "application/octet-stream")
			a.ContentType, _, _ = strings.Cut(a.ContentType, ";")
		}
		b.keepFile(a, bytes.NewReader(f.data))
	}
}

// damage reads r, turning its first error into the end of the content:
// what could be read before the damage is kept, and err says what it was.
type damage struct {
	r   io.Reader
	err error
}

func (d *damage) Read(p []byte) (int, error) {
	if d.err != nil {
		return 0, io.EOF
	}
	n, err := d.r.Read(p)
	if err != nil && err != io.EOF {
		d.err, err = err, io.EOF
	}
	return n, err
}

// multipart reads the parts of a multipart entity, keeping what it read
// when the structure breaks.
func (b *body) multipart(r io.Reader, boundary, name string, depth int) {
	if boundary == "" {
		b.problem("%s: a multipart without boundary; its content was not read", name)
		return
	}
	mr := textproto.NewMultipartReader(r, boundary)
	for n := 1; ; n++ {
		p, err := mr.NextPart()
		if err == io.EOF {
			return
		}
		if err != nil {
			b.problem("%s: broken MIME structure after part %d (%v); the parts before it were kept", name, n-1, err)
			return
		}
		b.walk(message.Header{Header: p.Header}, p, fmt.Sprintf("%s.%d", name, n), depth+1)
	}
}

// attach keeps a part as an attachment: its content in Data, or handed to
// the Keeper. Images shown in the text (inline, or with a Content-ID) are
// attachments marked Inline.
func (b *body) attach(h message.Header, mediaType, disp, filename string, content io.Reader) {
	if b.keepErr != nil {
		return
	}
	id := strings.Trim(strings.TrimSpace(h.Get("Content-Id")), "<>")
	a := Attachment{Filename: filename, ContentType: mediaType, ContentID: id}
	a.Inline = disp != "attachment" && (strings.HasPrefix(mediaType, "image/") || id != "")
	b.keepFile(a, content)
}

// keepFile keeps one attachment: its content in Data, or handed to the
// Keeper.
func (b *body) keepFile(a Attachment, content io.Reader) {
	if b.keepErr != nil {
		return
	}
	if b.keep == nil {
		a.Data, _ = io.ReadAll(content)
		a.Size = int64(len(a.Data))
	} else {
		size, err := b.keep(a, content)
		if err != nil {
			b.keepErr = fmt.Errorf("keep attachment %q: %w", a.Filename, err)
			return
		}
		a.Size = size
	}
	b.attachments = append(b.attachments, a)
}

// decodeText turns a text part into UTF-8. go-message decoded a known
// charset already; an unknown or missing one is read as UTF-8 when the
// bytes are valid UTF-8, else as windows-1252 (which accepts any byte).
func (b *body) decodeText(data []byte, cs string, err error, name string) string {
	if message.IsUnknownCharset(err) {
		b.problem("%s: unknown charset %q; the text was read as %s", name, cs, guessCharset(data))
	} else if cs != "" && !utf8.Valid(data) {
		b.problem("%s: the text is not valid %s; it was read as windows-1252", name, cs)
	}
	return clean(toUTF8(data))
}

// guessCharset names the charset toUTF8 reads data in.
func guessCharset(data []byte) string {
	if utf8.Valid(data) {
		return "UTF-8"
	}
	return "windows-1252"
}

// toUTF8 returns data as UTF-8: unchanged when valid, else read as
// windows-1252.
func toUTF8(data []byte) string {
	if utf8.Valid(data) {
		return string(data)
	}
	r, err := charset.Reader("windows-1252", bytes.NewReader(data))
	if err != nil {
		return strings.ToValidUTF8(string(data), "\uFFFD")
	}
	out, err := io.ReadAll(r)
	if err != nil {
		return strings.ToValidUTF8(string(data), "\uFFFD")
	}
	return string(out)
}
