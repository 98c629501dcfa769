package mailauth

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"golang.org/x/oauth2"
)

// BrowserLogin signs a person in with a browser to get the first refresh
// token: the authorization code grant with PKCE (RFC 7636) and a loopback
// redirect (RFC 8252, section 7.3), the flow Google allows the Gmail scope
// in for a command-line tool, with an OAuth client of type "Desktop app".
// It listens on 127.0.0.1, tells the person on w, in English and in
// Spanish, the address to open, waits for the provider to send the
// browser back with a code, exchanges it and writes the refresh token to
// TokenFile as DeviceLogin does. It returns the account signed in as, or
// "" when the provider did not say. It gives up when ctx is done.
//
// The port is any free one: providers must accept any port on a loopback
// redirect (RFC 8252, section 7.3), and a fixed one could be taken. A
// browser on another machine reaches it through the "ssh -L" forwarding
// that w is told, with the port in it.
func (o *OAuth2) BrowserLogin(ctx context.Context, w io.Writer) (string, error) {
	if err := o.canSignIn(); err != nil {
		return "", err
	}
	if o.opts.AuthURL == "" {
		return "", KeyError{Key: "oauth2.auth_url", Problem: "is required to sign in with -browser and provider custom"}
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("listen for the browser's answer: %w", err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	conf := o.conf
	conf.RedirectURL = fmt.Sprintf("http://127.0.0.1:%d/", port)
	// state ties the answer to this sign-in: a page of another site
	// could send the browser to the loopback address with a code of its
	// own (RFC 6749, section 10.12).
	state := rand.Text()
	answers := make(chan callbackAnswer, 1)
	srv := &http.Server{Handler: o.callback(state, answers), ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(o.log.Handler(), slog.LevelDebug)}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	defer o.stopListening(ctx, srv)

	verifier := oauth2.GenerateVerifier()
	opts := []oauth2.AuthCodeOption{oauth2.AccessTypeOffline, oauth2.S256ChallengeOption(verifier)}
	if o.opts.Provider == ProviderGoogle {
		// Google sends a refresh token only with a consent, and skips
		// the consent of someone who gave it before.
		opts = append(opts, oauth2.ApprovalForce)
	}
	printBrowserSteps(w, conf.AuthCodeURL(state, opts...), port)

	var code string
	select {
	case <-ctx.Done():
		return "", fmt.Errorf("wait for the sign-in in the browser: %w", ctx.Err())
	case err := <-served:
		return "", fmt.Errorf("wait for the sign-in in the browser: %w", err)
	case a := <-answers:
		if a.err != nil {
			return "", a.err
		}
		code = a.code
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, o.opts.HTTPClient)
	tok, err := conf.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		return "", o.endpointError("exchange the sign-in code at "+o.opts.TokenURL, err)
	}
	return o.signedIn(tok)
}

// printBrowserSteps tells the person what to open. The address stands on
// a line of its own, so that it can be copied whole.
func printBrowserSteps(w io.Writer, authURL string, port int) {
	fmt.Fprintf(w, "To sign in, open this address in a browser on this machine:\n")
	fmt.Fprintf(w, "Para iniciar sesión, abra esta dirección en un navegador de esta máquina:\n\n    %s\n\n", authURL)
	fmt.Fprintf(w, "No browser here? On your own machine, run ssh -L %d:127.0.0.1:%d HOST (HOST: this server), then open the address there.\n",
		port, port)
	fmt.Fprintf(w, "¿No hay navegador aquí? En su equipo, ejecute ssh -L %d:127.0.0.1:%d HOST (HOST: este servidor) y abra allí la dirección.\n",
		port, port)
}

// stopListening closes the loopback listener once the browser has had
// its page: Shutdown waits for the handler that is still writing it.
func (o *OAuth2) stopListening(ctx context.Context, srv *http.Server) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		o.log.Warn("oauth2: stopping the sign-in listener", "error", err)
	}
}
