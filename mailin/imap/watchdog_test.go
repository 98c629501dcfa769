package imap

import (
	"io"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// TestWatchdogClosesASilentConnection: when the server stops answering
// and the connection stays open (a half-open connection: a NAT or
// firewall forgot it), a command gives up after its timeout, closing the
// connection, instead of waiting forever.
func TestWatchdogClosesASilentConnection(t *testing.T) {
	srv, _ := memServer(t, goimap.CapSet{goimap.CapIMAP4rev1: {}}, nil)
	p := &freezer{upstream: serve(t, srv, nil)}
	addr := p.start(t)
	c, err := imapclient.DialInsecure(addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := within(c, patience, c.Login(user, password).Wait); err != nil {
		t.Fatal(err)
	}
	p.frozen.Store(true)
	done := make(chan error, 1)
	go func() { done <- within(c, 100*time.Millisecond, c.Noop().Wait) }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "no answer within 100ms") {
			t.Errorf("NOOP over a silent connection: %v, want no answer within 100ms", err)
		}
	case <-time.After(patience):
		t.Fatal("NOOP over a silent connection still waits")
	}
	select {
	case <-c.Closed():
	case <-time.After(patience):
		t.Error("the silent connection was not closed")
	}
}

// freezer is a TCP proxy to upstream that, once frozen, keeps its
// connections open and forwards nothing more either way.
type freezer struct {
	upstream string
	frozen   atomic.Bool
}

func (f *freezer) start(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			down, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", f.upstream)
			if err != nil {
				down.Close()
				return
			}
			t.Cleanup(func() { down.Close(); up.Close() })
			go f.pipe(up, down)
			go f.pipe(down, up)
		}
	}()
	return ln.Addr().String()
}

func (f *freezer) pipe(dst io.Writer, src io.Reader) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 && !f.frozen.Load() {
			if _, err := dst.Write(buf[:n]); err != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}
