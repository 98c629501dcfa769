package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-smtp"
)

// report is a typical report mail from who@example.com; with attach > 0
// it carries an attachment of that many bytes.
func report(who string, attach int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s@example.com\r\nTo: incidents@example.com\r\nSubject: Export fails for %s\r\n"+
		"Message-ID: <%s.%d@bench.example.com>\r\nDate: %s\r\nMIME-Version: 1.0\r\n",
		who, who, who, time.Now().UnixNano(), time.Now().Format(time.RFC1123Z))
	body := "Tipo: Error\r\nPrioridad: Alta\r\nSistema: Nóminas\r\nDescripción: the monthly export stops at 80 %.\r\n" +
		strings.Repeat("More detail about what happened and when it happened.\r\n", 12)
	if attach == 0 {
		fmt.Fprintf(&b, "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n%s", body)
		return b.Bytes()
	}
	fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=xx\r\n\r\n--xx\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n"+
		"--xx\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=dump.bin\r\n"+
		"Content-Transfer-Encoding: base64\r\n\r\n", body)
	enc := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("incident dump "), attach/14+1)[:attach])
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n--xx--\r\n")
	return b.Bytes()
}

// bareFetch is the IMAP floor: one login and one fetch of every message.
func bareFetch(srv server, n int) (time.Duration, error) {
	start := time.Now()
	c, err := imapclient.DialInsecure(srv.addr, nil)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	if err := c.Login(srv.user, srv.password).Wait(); err != nil {
		return 0, err
	}
	if _, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		return 0, err
	}
	var all imap.SeqSet
	all.AddRange(1, 0)
	cmd := c.Fetch(all, &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{{Peek: true}}})
	got := 0
	for m := cmd.Next(); m != nil; m = cmd.Next() {
		if _, err := m.Collect(); err != nil {
			return 0, err
		}
		got++
	}
	if err := cmd.Close(); err != nil {
		return 0, err
	}
	if got != n {
		return 0, fmt.Errorf("fetched %d of %d", got, n)
	}
	return time.Since(start), nil
}

// bareSend is the SMTP floor: n notification-sized mails over one
// connection.
func bareSend(addr string, n int) (time.Duration, error) {
	msg := bytes.Repeat([]byte("A notification line of ordinary length, as ours are.\r\n"), 90)
	start := time.Now()
	c, err := smtp.Dial(addr)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	for i := range n {
		if err := c.SendMail("incidents@example.com", []string{fmt.Sprintf("floor%d@example.com", i)}, bytes.NewReader(msg)); err != nil {
			return 0, err
		}
	}
	return time.Since(start), c.Quit()
}
