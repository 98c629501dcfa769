// Package parse owns the understanding of one inbound mail: bytes in, a
// Message out, with no I/O. It reads the headers (threading, sender,
// subject and its [INC-n] tag), decides whether the mail is automatic,
// decodes MIME without loss (charsets, attachments, inline images,
// forwarded messages and the files inside them, Outlook's winmail.dat),
// cuts a reply down to its new text, and reads the report fields of SPEC
// §3. Whatever it cannot read cleanly is said in Message.Problems instead
// of failing.
package parse

import (
	"io"
	"time"
)

// Address is a mailbox: a display name and a lower-cased address.
type Address struct{ Name, Address string }

// Attachment is a file carried by a mail. Inline images (screenshots) are
// attachments too, marked Inline.
type Attachment struct {
	Filename, ContentType, ContentID string
	Inline                           bool
	// Data is the content; nil from ParseStream, which hands the content
	// to its Keeper instead.
	Data []byte
	Size int64 // of the content, in bytes
}

// A Keeper takes the content of one attachment as ParseStream decodes it,
// so that a large file goes where it belongs (e.g. to disk) without ever
// being held in memory whole. It returns how many bytes it read; it may
// stop early. An error stops the parse and is returned by ParseStream.
type Keeper func(a Attachment, content io.Reader) (size int64, err error)

// Message is an inbound mail as incidentd understands it.
type Message struct {
	MessageID   string   // without <>; "" if absent
	InReplyTo   []string // without <>
	References  []string // without <>, oldest first
	From        Address
	ReturnPath  string // as given, "<>" for the null sender; "" if absent
	To, Cc      []Address
	Subject     string // decoded
	Date        time.Time
	Tag         int64  // n from an "[INC-n]" tag in the subject; 0 when none
	Automatic   string // the signal that marks the mail automatic; "" when a person wrote it
	Forward     *Forward
	Text        string // the whole body as plain text
	NewText     string // the new text of a reply: quotes, quote headers and signatures cut away
	Attachments []Attachment
	Problems    []string // what could not be read cleanly, in plain English for operators
}

// Forward is the mail that a message forwards.
type Forward struct {
	From    Address
	Date    time.Time
	Subject string
	Text    string
}
