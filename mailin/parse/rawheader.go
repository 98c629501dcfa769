package parse

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/textproto"
)

var errNoHeader = errors.New("no mail header found")

// readHeader reads the header of a mail, skipping the lines that are not
// header fields when the header is damaged. It returns the header and the
// rest of the mail.
func readHeader(raw []byte) (message.Header, io.Reader, []string, error) {
	br := bufioReader(raw)
	h, err := textproto.ReadHeader(br)
	if err == nil {
		return message.Header{Header: h}, br, nil, nil
	}
	end := bytes.Index(raw, []byte("\n\n"))
	if crlf := bytes.Index(raw, []byte("\r\n\r\n")); crlf >= 0 && (end < 0 || crlf < end) {
		end = crlf
	}
	if end < 0 {
		end = len(raw)
	}
	var kept bytes.Buffer
	for _, line := range bytes.SplitAfter(raw[:end], []byte("\n")) {
		if isHeaderLine(line) || (kept.Len() > 0 && len(line) > 0 && (line[0] == ' ' || line[0] == '\t')) {
			kept.Write(line)
		}
	}
	if kept.Len() == 0 {
		return message.Header{}, nil, nil, fmt.Errorf("read header: %w (%v)", errNoHeader, err)
	}
	kept.WriteString("\r\n")
	h, err2 := textproto.ReadHeader(bufioReader(kept.Bytes()))
	if err2 != nil || h.Len() == 0 {
		return message.Header{}, nil, nil, fmt.Errorf("read header: %w (%v)", errNoHeader, err)
	}
	rest := bytes.NewReader(raw[min(len(raw), end):])
	return message.Header{Header: h}, rest, []string{fmt.Sprintf("the header is damaged (%v); the lines that are not header fields were skipped", err)}, nil
}

// isHeaderLine reports whether line is "Name: value" with a valid name.
func isHeaderLine(line []byte) bool {
	i := bytes.IndexByte(line, ':')
	if i <= 0 {
		return false
	}
	for _, c := range line[:i] {
		if c <= ' ' || c > '~' {
			return false
		}
	}
	return true
}

func bufioReader(raw []byte) *bufio.Reader {
	return bufio.NewReader(bytes.NewReader(raw))
}
