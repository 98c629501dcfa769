package mailout

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"incidentd/mailout/render/rendertest"
	"incidentd/mailservers/smtpsink"
	"incidentd/workflow/store"
)

// testFrom is the sender of the tests' mail.
const testFrom = rendertest.From

// relaySink is a sink that takes mail only after a login as
// incidents@example.com with the password "s3cret", offered without TLS,
// as on a relay for this machine.
func relaySink() *smtpsink.Sink {
	return smtpsink.New(smtpsink.Options{LoginRequired: true, Login: func(user, password string) error {
		if user != "incidents@example.com" || password != "s3cret" {
			return errors.New("wrong user or password")
		}
		return nil
	}})
}

var (
	errTempFailure = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"}
	errNoSuchUser  = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user"}
)

// transmissions runs test once with a sink for o that offers CHUNKING and
// 8BITMIME, where a mail goes with BDAT and 8-bit bodies, and once with
// one that offers neither, where it goes with DATA and quoted-printable
// bodies, and checks which was used.
func transmissions(t *testing.T, o smtpsink.Options, test func(t *testing.T, b *smtpsink.Sink)) {
	for _, older := range []bool{false, true} {
		t.Run(map[bool]string{false: "BDAT", true: "DATA"}[older], func(t *testing.T) {
			o.Older = older
			sk := smtpsink.New(o)
			test(t, sk)
			if used := sk.BDATCommands() > 0; used == older {
				t.Errorf("%d BDAT commands from a server without CHUNKING: %v", sk.BDATCommands(), older)
			}
			want := map[bool]string{false: "8bit", true: "quoted-printable"}[older]
			for _, m := range sk.Received() {
				if !bytes.Contains(m.Data, []byte("Content-Transfer-Encoding: "+want+"\r\n")) {
					t.Errorf("a mail without %s bodies:\n%s", want, m.Data)
				}
			}
		})
	}
}

// startSink starts b on loopback, stops it when the test ends, and
// returns its address.
func startSink(t *testing.T, b *smtpsink.Sink) string {
	t.Helper()
	if err := b.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Stop() })
	return b.Addr()
}

func openStore(t *testing.T) *store.Store {
	t.Helper()
	dir := t.TempDir()
	s, err := store.Open(context.Background(), filepath.Join(dir, "incidentd.db"), filepath.Join(dir, "attachments"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// clock is a settable time source.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// t0 is the tests' present, the sample incident's creation.
var t0 = rendertest.T0
