package oauthtest

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Browser plays the person in a browser sign-in. It is the io.Writer the
// client prints its instructions to: once they hold an address of the
// server's authorization endpoint, it opens it as a browser would,
// following the redirect back to the client's loopback listener.
type Browser struct {
	// Edit, when set, changes the address before it is opened, e.g. to
	// spoil its state.
	Edit func(*url.URL)

	address *regexp.Regexp // an authorization address, whole
	done    chan struct{}  // closed when the page is loaded, or failed to

	mu     sync.Mutex // guards the fields below
	out    strings.Builder
	opened bool
	status int
	page   string
	err    error
}

// Browser returns a browser for a sign-in with this server.
func (s *Server) Browser() *Browser {
	return &Browser{address: regexp.MustCompile(regexp.QuoteMeta(s.AuthURL) + `\?\S+\s`), done: make(chan struct{})}
}

// Write keeps p, and opens the first authorization address once its line
// is complete.
func (b *Browser) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.out.Write(p)
	if m := b.address.FindString(b.out.String()); m != "" && !b.opened {
		b.opened = true
		go b.open(strings.TrimSpace(m))
	}
	return len(p), nil
}

// open loads address, as edited, and keeps the last page.
func (b *Browser) open(address string) {
	defer close(b.done)
	status, page, err := b.load(address)
	b.mu.Lock()
	defer b.mu.Unlock()
	b.status, b.page, b.err = status, page, err
}

func (b *Browser) load(address string) (int, string, error) {
	u, err := url.Parse(address)
	if err != nil {
		return 0, "", fmt.Errorf("the printed address: %w", err)
	}
	if b.Edit != nil {
		b.Edit(u)
	}
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(u.String())
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), err
}

// Output is everything written so far.
func (b *Browser) Output() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.out.String()
}

// Page waits for the browser to show the last page, the one the client's
// listener answered with, and returns its status and text. It fails at
// once if no authorization address was written.
func (b *Browser) Page() (int, string, error) {
	b.mu.Lock()
	opened := b.opened
	b.mu.Unlock()
	if !opened {
		return 0, "", errors.New("no address of the authorization endpoint was written")
	}
	<-b.done
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.status, b.page, b.err
}
