package imap

import (
	"bytes"
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/mail"
	"slices"
	"sync"
	"testing"
	"time"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"incidentd/mailservers/memory"
	"incidentd/mailservers/privateca"
)

const (
	user     = "incidents"
	password = "secret"
	// patience bounds every wait; reaching it is a failure, not a timing goal.
	patience = 20 * time.Second
)

// recorder is a Handler that remembers the subjects it saw, in order, and
// answers what decide says (Processed when decide is nil).
type recorder struct {
	decide func(subject string, attempt int) (Disposition, error)

	mu  sync.Mutex
	got []string
}

func (r *recorder) Handle(_ context.Context, raw []byte) (Disposition, error) {
	subject := subjectOf(raw)
	r.mu.Lock()
	r.got = append(r.got, subject)
	attempt := 0
	for _, s := range r.got {
		if s == subject {
			attempt++
		}
	}
	r.mu.Unlock()
	if r.decide == nil {
		return Processed, nil
	}
	return r.decide(subject, attempt)
}

func (r *recorder) Prepare(mails []*io.SectionReader) Batch {
	return handlerFunc(r.Handle).Prepare(mails)
}

func (r *recorder) seen() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got)
}

func subjectOf(raw []byte) string {
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return "unparsable: " + err.Error()
	}
	return m.Header.Get("Subject")
}

func message(subject string) []byte {
	return []byte("From: Rita <rita@example.com>\r\nTo: incidents@example.com\r\n" +
		"Subject: " + subject + "\r\nMessage-ID: <" + subject + "@example.com>\r\n\r\nIt broke.\r\n")
}

func startDemo(t *testing.T, imapAddr string) *memory.System {
	t.Helper()
	sys, err := memory.Start(memory.Options{
		Domain:   "example.com",
		Users:    map[string]string{user: password, "rita": "rita"},
		IMAPAddr: imapAddr,
		Logger:   testLogger(t),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sys.Close() })
	return sys
}

func send(t *testing.T, sys *memory.System, subjects ...string) {
	t.Helper()
	for _, s := range subjects {
		if err := sys.Send("rita@example.com", []string{"incidents@example.com"}, message(s)); err != nil {
			t.Fatal(err)
		}
	}
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// watch runs Watch until the returned stop is called (or the test ends),
// and checks that it then returns nil. TLS defaults to "none" and the
// credentials to the test user's.
func watch(t *testing.T, o Options, h Handler) (stop func()) {
	t.Helper()
	o.Username, o.Password, o.Logger = user, password, testLogger(t)
	if o.TLS == "" {
		o.TLS = "none"
	}
	// The memory server has IDLE: only a test that sets an interval (for
	// a server without IDLE) depends on polling.
	if o.PollInterval == 0 {
		o.PollInterval = time.Hour
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Watch(ctx, o, h) }()
	stop = sync.OnceFunc(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Watch returned %v after cancel, want nil", err)
			}
		case <-time.After(patience):
			t.Error("Watch did not return after cancel")
		}
	})
	t.Cleanup(stop)
	return stop
}

func waitMessages(t *testing.T, sys *memory.System, mailbox string, n int) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	defer cancel()
	raws, err := sys.WaitMessages(ctx, user, mailbox, n)
	if err != nil {
		t.Fatal(err)
	}
	return subjects(raws)
}

func messages(t *testing.T, sys *memory.System, mailbox string) []string {
	t.Helper()
	raws, err := sys.Messages(user, mailbox)
	if err != nil {
		t.Fatal(err)
	}
	return subjects(raws)
}

func subjects(raws [][]byte) []string {
	var s []string
	for _, raw := range raws {
		s = append(s, subjectOf(raw))
	}
	return s
}

func TestBacklogHandledOnceInUIDOrderAndMoved(t *testing.T) {
	sys := startDemo(t, "")
	send(t, sys, "one", "two", "three")
	waitMessages(t, sys, "INBOX", 3)

	h := &recorder{}
	stop := watch(t, Options{Address: sys.IMAPAddr}, h)
	got := waitMessages(t, sys, "Processed", 3)
	stop()

	want := []string{"one", "two", "three"}
	if !slices.Equal(got, want) {
		t.Errorf("Processed holds %q, want %q", got, want)
	}
	if seen := h.seen(); !slices.Equal(seen, want) {
		t.Errorf("handled %q, want each once in UID order %q", seen, want)
	}
	if inbox := messages(t, sys, "INBOX"); len(inbox) != 0 {
		t.Errorf("INBOX still holds %q", inbox)
	}
	// Both destination mailboxes did not exist: Watch created them.
	if q := messages(t, sys, "Quarantine"); len(q) != 0 {
		t.Errorf("Quarantine holds %q", q)
	}
}

func TestNewMailDuringIdleIsHandled(t *testing.T) {
	sys := startDemo(t, "")
	watch(t, Options{Address: sys.IMAPAddr}, &recorder{})
	send(t, sys, "first")
	waitMessages(t, sys, "Processed", 1)
	// The loop is idle now; with PollInterval an hour and IDLE restarted
	// every few minutes, only the server's IDLE notice brings this one in.
	send(t, sys, "second")
	if got := waitMessages(t, sys, "Processed", 2); !slices.Equal(got, []string{"first", "second"}) {
		t.Errorf("Processed holds %q", got)
	}
}

func TestQuarantined(t *testing.T) {
	sys := startDemo(t, "")
	send(t, sys, "garbage", "fine")
	watch(t, Options{Address: sys.IMAPAddr}, &recorder{decide: func(subject string, _ int) (Disposition, error) {
		if subject == "garbage" {
			return Quarantined, nil
		}
		return Processed, nil
	}})
	if got := waitMessages(t, sys, "Quarantine", 1); !slices.Equal(got, []string{"garbage"}) {
		t.Errorf("Quarantine holds %q", got)
	}
	if got := waitMessages(t, sys, "Processed", 1); !slices.Equal(got, []string{"fine"}) {
		t.Errorf("Processed holds %q", got)
	}
}

func TestHandlerErrorLeavesMailUntouchedUntilNextRound(t *testing.T) {
	sys := startDemo(t, "")
	send(t, sys, "flaky", "fine")
	h := &recorder{decide: func(subject string, attempt int) (Disposition, error) {
		if subject == "flaky" && attempt == 1 {
			return 0, errors.New("database is locked")
		}
		return Processed, nil
	}}
	watch(t, Options{Address: sys.IMAPAddr}, h)

	// "fine" comes after "flaky" in UID order: once it is processed, the
	// first attempt at "flaky" has failed.
	if got := waitMessages(t, sys, "Processed", 1); !slices.Equal(got, []string{"fine"}) {
		t.Fatalf("Processed holds %q", got)
	}
	inbox := mailbox(t, sys.IMAPAddr, "INBOX")
	if len(inbox) != 1 || inbox[0].subject != "flaky" {
		t.Fatalf("INBOX holds %+v, want only flaky", inbox)
	}
	if len(inbox[0].flags) != 0 {
		t.Errorf("flaky has flags %v, want none (not \\Seen)", inbox[0].flags)
	}

	// New mail starts a new round, which tries "flaky" again.
	send(t, sys, "later")
	if got := waitMessages(t, sys, "Processed", 3); !slices.Equal(got, []string{"fine", "flaky", "later"}) {
		t.Errorf("Processed holds %q", got)
	}
}

func TestReconnectsAfterServerRestart(t *testing.T) {
	sys := startDemo(t, "")
	watch(t, Options{Address: sys.IMAPAddr}, &recorder{})
	send(t, sys, "before")
	waitMessages(t, sys, "Processed", 1)

	if err := sys.Close(); err != nil {
		t.Fatal(err)
	}
	sys = startDemo(t, sys.IMAPAddr) // a new, empty server on the same address
	send(t, sys, "after")
	if got := waitMessages(t, sys, "Processed", 1); !slices.Equal(got, []string{"after"}) {
		t.Errorf("Processed holds %q", got)
	}
}

// An IMAP4rev1 server without MOVE and UIDPLUS: handled mail is copied and
// flagged \Deleted, and nothing is expunged, so mail someone else flagged
// \Deleted is still there.
func TestWithoutMoveNorUIDPlusNothingIsExpunged(t *testing.T) {
	srv, u := memServer(t, goimap.CapSet{goimap.CapIMAP4rev1: {}}, nil)
	addr := serve(t, srv, nil)
	if err := u.Create("Processed", nil); err != nil {
		t.Fatal(err)
	}
	appendMail(t, u, "one")
	appendMail(t, u, "someone else's trash", goimap.FlagDeleted)
	appendMail(t, u, "two")

	h := &recorder{}
	stop := watch(t, Options{Address: addr}, h)
	waitFor(t, "mail in Processed", func() bool { return len(mailbox(t, addr, "Processed")) == 2 })
	stop()

	if seen := h.seen(); !slices.Equal(seen, []string{"one", "two"}) {
		t.Errorf("handled %q, want one and two, once each", seen)
	}
	inbox := mailbox(t, addr, "INBOX")
	if len(inbox) != 3 {
		t.Fatalf("INBOX holds %+v, want all three mails, unexpunged", inbox)
	}
	for _, m := range inbox {
		if !slices.Contains(m.flags, goimap.FlagDeleted) {
			t.Errorf("%q is not flagged \\Deleted: %v", m.subject, m.flags)
		}
	}
}

// An IMAP4rev1 server with UIDPLUS but without MOVE: handled mail is
// copied, then flagged \Deleted and expunged by UID, but only once the
// copy succeeded. Here the first copy fails (the Processed mailbox was
// removed behind the watcher's back): the mail stays, untouched, and the
// next session, which creates the mailbox again, moves it.
func TestWithoutMoveACopyThatFailsKeepsTheMail(t *testing.T) {
	srv, u := memServer(t, goimap.CapSet{goimap.CapIMAP4rev1: {}, goimap.CapUIDPlus: {}}, nil)
	addr := serve(t, srv, nil)
	connected := make(chan bool, 10)
	h := &recorder{}
	watch(t, Options{Address: addr, Connected: func(up bool) { connected <- up }}, h)
	if !<-connected {
		t.Fatal("not connected")
	}
	if err := u.Delete("Processed"); err != nil {
		t.Fatal(err)
	}
	appendMail(t, u, "one")
	// The next session creates Processed again before it handles the mail.
	waitFor(t, "the mail handled again", func() bool { return len(h.seen()) == 2 })
	waitFor(t, "the mail in Processed", func() bool { return len(mailbox(t, addr, "Processed")) == 1 })
	if inbox := mailbox(t, addr, "INBOX"); len(inbox) != 0 {
		t.Errorf("INBOX holds %+v, want it moved out", inbox)
	}
	if seen := h.seen(); !slices.Equal(seen, []string{"one", "one"}) {
		t.Errorf("handled %q, want one twice: once before the failed copy, once after", seen)
	}
}

// A server without IDLE is polled: mail arriving after the first look is
// handled at the next.
func TestPollsAServerWithoutIdle(t *testing.T) {
	// The memory server always offers IDLE: its listener takes it out of
	// the capabilities the server announces.
	srv, u := memServer(t, goimap.CapSet{goimap.CapIMAP4rev1: {}, goimap.CapMove: {}}, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(noIdle{ln})
	addr := ln.Addr().String()
	if err := u.Create("Processed", nil); err != nil {
		t.Fatal(err)
	}
	appendMail(t, u, "before")
	h := &recorder{}
	watch(t, Options{Address: addr, PollInterval: 100 * time.Millisecond}, h)
	waitFor(t, "the first mail handled", func() bool { return len(h.seen()) == 1 })
	appendMail(t, u, "after")
	waitFor(t, "the second mail handled", func() bool { return len(mailbox(t, addr, "Processed")) == 2 })
	if seen := h.seen(); !slices.Equal(seen, []string{"before", "after"}) {
		t.Errorf("handled %q, want before and after, once each", seen)
	}
}

// noIdle is a listener whose connections take IDLE out of what the server
// writes, as a server without IDLE would announce its capabilities.
type noIdle struct{ net.Listener }

func (l noIdle) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return noIdleConn{c}, nil
}

type noIdleConn struct{ net.Conn }

func (c noIdleConn) Write(p []byte) (int, error) {
	if _, err := c.Conn.Write(bytes.ReplaceAll(p, []byte(" IDLE"), nil)); err != nil {
		return 0, err
	}
	return len(p), nil
}

func TestShutdownLetsTheMailInFlightMove(t *testing.T) {
	sys := startDemo(t, "")
	send(t, sys, "in flight")
	started := make(chan struct{})
	var cancelled error
	stop := watch(t, Options{Address: sys.IMAPAddr}, handlerFunc(func(ctx context.Context, _ []byte) (Disposition, error) {
		close(started)
		// A transaction still running as the daemon is told to stop: its
		// context is not cancelled, so it commits.
		time.Sleep(200 * time.Millisecond)
		cancelled = ctx.Err()
		return Processed, nil
	}))
	<-started
	stop()
	if cancelled != nil {
		t.Errorf("the mail in flight was cancelled: %v", cancelled)
	}
	if got := messages(t, sys, "Processed"); !slices.Equal(got, []string{"in flight"}) {
		t.Errorf("Processed holds %q, want the mail handled during shutdown", got)
	}
}

func TestTLS(t *testing.T) {
	ca, serverTLS := privateca.Test(t, "127.0.0.1")
	srv, u := memServer(t, goimap.CapSet{goimap.CapIMAP4rev1: {}, goimap.CapIMAP4rev2: {}}, serverTLS)
	for _, mode := range []string{"implicit", "starttls"} {
		t.Run(mode, func(t *testing.T) {
			var implicit *tls.Config
			if mode == "implicit" {
				implicit = serverTLS
			}
			addr := serve(t, srv, implicit)
			appendMail(t, u, mode)
			h := &recorder{}
			// The certificate is for 127.0.0.1: the host of the address is verified.
			watch(t, Options{Address: addr, TLS: mode, TLSConfig: ca.ClientConfig()}, h)
			waitFor(t, "the mail handled", func() bool { return slices.Contains(h.seen(), mode) })
		})
	}
}

func TestInvalidOptions(t *testing.T) {
	for _, o := range []Options{
		{},
		{Address: "imap.example.com:993", TLS: "ssl"},
		{Address: "imap.example.com:993", Processed: "INBOX"},
		{Address: "imap.example.com:993", PollInterval: -time.Second},
	} {
		if err := Watch(t.Context(), o, &recorder{}); err == nil {
			t.Errorf("Watch(%+v) = nil, want an error", o)
		}
	}
}

// handlerFunc is a Handler in one phase: its Prepare does nothing, and
// its Batch's Apply hands each mail to the function, one at a time.
type handlerFunc func(ctx context.Context, raw []byte) (Disposition, error)

func (f handlerFunc) Prepare(mails []*io.SectionReader) Batch {
	return oneByOne{mails, f}
}

// oneByOne is the Batch of a handlerFunc.
type oneByOne struct {
	mails  []*io.SectionReader
	handle handlerFunc
}

func (b oneByOne) Apply(ctx context.Context) []Outcome {
	out := make([]Outcome, len(b.mails))
	for i, m := range b.mails {
		raw, err := io.ReadAll(m)
		if err != nil {
			out[i].Err = err
			continue
		}
		out[i].Disposition, out[i].Err = b.handle(ctx, raw)
	}
	return out
}

// memServer is a memory IMAP server with chosen capabilities, whose test
// user has an INBOX; with tlsConfig it offers STARTTLS and can serve
// implicit TLS.
func memServer(t *testing.T, caps goimap.CapSet, tlsConfig *tls.Config) (*imapserver.Server, *imapmemserver.User) {
	t.Helper()
	mem := imapmemserver.New()
	u := imapmemserver.NewUser(user, password)
	if err := u.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	mem.AddUser(u)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return promptIdle{mem.NewSession().(imapserver.SessionIMAP4rev2)}, nil, nil
		},
		Caps:         caps,
		Logger:       slog.NewLogLogger(testLogger(t).Handler(), slog.LevelDebug),
		TLSConfig:    tlsConfig,
		InsecureAuth: tlsConfig == nil,
	})
	t.Cleanup(func() { srv.Close() })
	return srv, u
}

// promptIdle is a session of imapmemserver whose IDLE also reports the
// mail delivered before it started, as real servers do.
type promptIdle struct{ imapserver.SessionIMAP4rev2 }

func (s promptIdle) Idle(w *imapserver.UpdateWriter, stop <-chan struct{}) error {
	return memory.IdleByPolling(s.SessionIMAP4rev2, w, stop)
}

// serve serves srv on a new loopback port, with implicit TLS when
// implicitTLS is not nil.
func serve(t *testing.T, srv *imapserver.Server, implicitTLS *tls.Config) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if implicitTLS != nil {
		ln = tls.NewListener(ln, implicitTLS)
	}
	go srv.Serve(ln)
	return ln.Addr().String()
}

func appendMail(t *testing.T, u *imapmemserver.User, subject string, flags ...goimap.Flag) {
	t.Helper()
	if _, err := u.Append("INBOX", bytes.NewReader(message(subject)), &goimap.AppendOptions{Flags: flags}); err != nil {
		t.Fatal(err)
	}
}

// waitFor polls cond until it holds; not holding within patience fails.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(patience)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// selectAs logs in as the test user and selects mailbox read-only; the
// client is closed when the test ends.
func selectAs(t *testing.T, addr, mailbox string) (*imapclient.Client, *goimap.SelectData) {
	t.Helper()
	c, err := imapclient.DialInsecure(addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login(user, password).Wait(); err != nil {
		t.Fatal(err)
	}
	sel, err := c.Select(mailbox, &goimap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		t.Fatal(err)
	}
	return c, sel
}

type stored struct {
	subject string
	flags   []goimap.Flag
}

// mailbox reads a mailbox of the test user with its flags, in UID order.
func mailbox(t *testing.T, addr, name string) []stored {
	t.Helper()
	c, sel := selectAs(t, addr, name)
	if sel.NumMessages == 0 {
		return nil
	}
	header := &goimap.FetchItemBodySection{Specifier: goimap.PartSpecifierHeader, Peek: true}
	var all goimap.SeqSet
	all.AddRange(1, sel.NumMessages)
	msgs, err := c.Fetch(all, &goimap.FetchOptions{
		UID: true, Flags: true, BodySection: []*goimap.FetchItemBodySection{header},
	}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(msgs, func(a, b *imapclient.FetchMessageBuffer) int { return cmp.Compare(a.UID, b.UID) })
	var out []stored
	for _, m := range msgs {
		out = append(out, stored{subjectOf(append(m.FindBodySection(header), "\r\n"...)), m.Flags})
	}
	return out
}

// Mail of every size reaches the Handler whole, a large one from a spool
// file, and a batch of them is moved together.
func TestLargeAndSmallMailInOneBatch(t *testing.T) {
	sys := startDemo(t, "")
	small := message("small")
	large := append(message("large"), bytes.Repeat([]byte("a long log line, again and again\r\n"), 3*spoolOver/34)...)
	for _, raw := range [][]byte{small, large} {
		if err := sys.Deliver(user, raw); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	var got [][]byte
	watch(t, Options{Address: sys.IMAPAddr}, handlerFunc(func(_ context.Context, raw []byte) (Disposition, error) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, raw)
		return Processed, nil
	}))
	waitFor(t, "both mails handled", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(got) == 2
	})
	waitFor(t, "both mails moved", func() bool { return len(messages(t, sys, "Processed")) == 2 })
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || !bytes.Equal(got[0], small) || !bytes.Equal(got[1], large) {
		t.Errorf("the Handler got %d mails, not the two delivered whole", len(got))
	}
}

// A long backlog is handled a batch at a time, in UID order, and moved
// in few commands: the moves of several batches go out as one. A mail
// that fails holds the checkpoint back, not the moves of the others.
func TestLongBacklogMovesInFewCommands(t *testing.T) {
	for _, tc := range []struct {
		name        string
		oneSession  bool // the server drops a second session of the mailbox
		movesByMain int  // of the 4 MOVE commands, those over the connection that fetched
	}{
		// The backlog's 3 moves go over a second connection; the retry
		// of m0720, a round of one mail, over the first.
		{"over a second connection", false, 1},
		{"over the one connection a server allows", true, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, u := memServer(t, goimap.CapSet{goimap.CapIMAP4rev1: {}, goimap.CapMove: {}, goimap.CapUIDPlus: {}, goimap.CapIdle: {}}, nil)
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			counts := &tally{Listener: ln, oneSession: tc.oneSession}
			go srv.Serve(counts)
			addr := ln.Addr().String()
			if err := u.Create("Processed", nil); err != nil {
				t.Fatal(err)
			}
			const n = 4150 // in 42 batches of up to 100, moved at 2000, 4000 and the end
			var want []string
			for i := range n {
				want = append(want, fmt.Sprintf("m%04d", i))
				appendMail(t, u, want[i])
			}
			st := &memCheckpoints{}
			o := Options{Address: addr, Checkpoints: st, Username: user, Mailbox: "INBOX"}
			h := &recorder{decide: func(subject string, attempt int) (Disposition, error) {
				if subject == "m0720" && attempt == 1 {
					return 0, errors.New("database is locked")
				}
				return Processed, nil
			}}
			watch(t, o, h)
			waitFor(t, "the backlog moved", func() bool { return len(mailbox(t, addr, "Processed")) == n })

			retried := slices.Concat(want[:720], want[721:], want[720:721])
			if got := subjectsOf(mailbox(t, addr, "Processed")); !slices.Equal(got, retried) {
				t.Errorf("Processed holds %d mails, %q…, want %d, %q…", len(got), got[:3], n, retried[:3])
			}
			if seen := h.seen(); !slices.Equal(seen, slices.Concat(want, want[720:721])) {
				t.Errorf("handled %d mails, want each once in UID order and m0720 twice", len(seen))
			}
			waitFor(t, "the checkpoint past m0720", func() bool {
				cp, err := st.Checkpoint(context.Background(), o.checkpointKey())
				return err == nil && cp.LastUID == 721
			})
			moves, byMain := counts.moves()
			if moves != 4 || byMain != tc.movesByMain {
				t.Errorf("%d MOVE commands for %d mails, %d over the connection that fetched; want 4, %d",
					moves, n, byMain, tc.movesByMain)
			}
		})
	}
}

func subjectsOf(ms []stored) []string {
	var s []string
	for _, m := range ms {
		s = append(s, m.subject)
	}
	return s
}

// tally is a listener that counts the MOVE and FETCH commands the server
// receives on each connection. With oneSession, a connection that selects
// INBOX while another has it selected is dropped, as by a server that
// allows one session per mailbox.
type tally struct {
	net.Listener
	oneSession bool
	mu         sync.Mutex
	conns      []*tallyConn
}

type tallyConn struct {
	net.Conn
	t              *tally
	moves, fetches int
	inbox, closed  bool
}

func (l *tally) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	tc := &tallyConn{Conn: c, t: l}
	l.mu.Lock()
	l.conns = append(l.conns, tc)
	l.mu.Unlock()
	return tc, nil
}

// moves is the number of MOVE commands received, and of those, the ones
// on connections that fetched mail.
func (l *tally) moves() (all, byFetcher int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, c := range l.conns {
		all += c.moves
		if c.fetches > 0 {
			byFetcher += c.moves
		}
	}
	return all, byFetcher
}

func (c *tallyConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.t.mu.Lock()
	defer c.t.mu.Unlock()
	c.moves += bytes.Count(p[:n], []byte(" MOVE "))
	c.fetches += bytes.Count(p[:n], []byte(" FETCH "))
	if bytes.Contains(p[:n], []byte(" SELECT INBOX")) {
		if c.t.oneSession && slices.ContainsFunc(c.t.conns, func(o *tallyConn) bool { return o.inbox && !o.closed }) {
			c.closed = true
			c.Conn.Close()
			return 0, io.EOF
		}
		c.inbox = true
	}
	return n, err
}

func (c *tallyConn) Close() error {
	c.t.mu.Lock()
	c.closed = true
	c.t.mu.Unlock()
	return c.Conn.Close()
}
