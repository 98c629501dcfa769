package mailauth

import (
	"errors"
	"log/slog"
	"sync"
)

// Status is how the latest logins to one server went, for a health check
// and metrics; it logs a refusal at ERROR, with its advice, once for each
// distinct error rather than once per attempt. A nil *Status records
// nothing.
type Status struct {
	// Server names the server in the log, e.g. "imap".
	Server string
	Logger *slog.Logger

	mu       sync.Mutex
	err      error
	failures int64
}

// Report records the outcome of a login: nil when it succeeded, the error
// otherwise. Only a Lasting error counts; a failure of the network
// leaves the status as it was.
func (s *Status) Report(err error) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err == nil {
		if s.err != nil {
			s.log().Info("authentication works again", "server", s.Server)
		}
		s.err = nil
		return
	}
	if !Lasting(err) {
		return
	}
	s.failures++
	if s.err == nil || s.err.Error() != err.Error() {
		s.log().Error("cannot connect or log in; mail waits until this is fixed", "server", s.Server, "error", err, "hint", Hint(err))
	}
	s.err = err
}

// Err is the refusal of the latest login, or nil when it succeeded.
func (s *Status) Err() error {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Failures counts the refused logins.
func (s *Status) Failures() int64 {
	if s == nil {
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.failures
}

func (s *Status) log() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}

// Lasting reports whether err will happen again until someone changes the
// configuration or the credentials (a refused login, an untrusted
// certificate, a tls setting that does not fit the port), as opposed to a
// failure of the network that may pass by itself.
func Lasting(err error) bool {
	var a *AuthError
	var h *HintError
	var m *MismatchError
	return errors.As(err, &a) || errors.As(err, &h) || errors.As(err, &m)
}
