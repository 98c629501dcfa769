package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"incidentd/mailauth"
	"incidentd/workflow"
	"incidentd/workflow/store"
)

// HTTPConfig is the optional listener for /metrics (Prometheus) and
// /healthz.
type HTTPConfig struct {
	// Listen is a loopback host:port, e.g. "127.0.0.1:9180"; empty (the
	// default) for no listener.
	Listen string `toml:"listen"`
	// MaxOutboxAge is how long the oldest pending mail may wait before
	// /healthz reports a problem.
	MaxOutboxAge Duration `toml:"max_outbox_age"`
	// Pprof serves the Go profiler under /debug/pprof/ (CPU, heap,
	// goroutines) on the same loopback listener. Default false.
	Pprof bool `toml:"pprof"`
}

// validateHTTP checks the [http] keys: the listener is for the machine
// itself, never the network.
func (c *Config) validateHTTP(bad func(key, format string, args ...any)) {
	if c.HTTP.Listen == "" {
		return
	}
	host, _, err := net.SplitHostPort(c.HTTP.Listen)
	if err != nil {
		bad("http.listen", "%q is not host:port", c.HTTP.Listen)
		return
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		bad("http.listen", "%q is not a loopback address (127.0.0.1, ::1 or localhost)", c.HTTP.Listen)
	}
}

// startHTTP serves /metrics and /healthz when [http] listen is set, until
// the returned stop is called. failed counts a failed scheduled job.
func (d *daemon) startHTTP(ctx context.Context) (stop func(), failed func(job string), err error) {
	if d.cfg.HTTP.Listen == "" {
		return func() {}, func(string) {}, nil
	}
	jobErrors := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "incidentd_job_errors_total",
		Help: "Scheduled jobs (reminders, digest) that failed since the start."}, []string{"job"})
	reg := prometheus.NewRegistry()
	reg.MustRegister(storeCollector{d}, jobErrors)
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", d.healthz)
	if d.cfg.HTTP.Pprof {
		mux.HandleFunc("GET /debug/pprof/", pprof.Index)
		mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	}
	ln, err := net.Listen("tcp", d.cfg.HTTP.Listen)
	if err != nil {
		return nil, nil, fmt.Errorf("http listener: %w", err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second,
		BaseContext: func(net.Listener) context.Context { return ctx }}
	go func() {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			d.log.Error("http listener stopped", "error", err)
		}
	}()
	d.log.Info("http listening", "address", ln.Addr().String())
	return func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx) // a slow scrape is cut short; nothing to keep
	}, func(job string) { jobErrors.WithLabelValues(job).Inc() }, nil
}

// health is the answer of /healthz.
type health struct {
	OK bool `json:"ok"`
	// IMAPSession says whether the daemon's IMAP session is logged in now.
	IMAPSession bool               `json:"imap_connected"`
	IMAP        reach              `json:"imap"`
	SMTP        reach              `json:"smtp"`
	Outbox      store.OutboxCounts `json:"outbox"`
	// OutboxAge is how long the oldest pending mail has waited, in seconds.
	OutboxAge workflow.Seconds `json:"outbox_age_seconds"`
	Problems  []string         `json:"problems,omitempty"`
}

type reach struct {
	Address   string `json:"address"`
	Reachable bool   `json:"reachable"`
}

// healthz says whether the mail servers answer and the outbox drains:
// 200 when all is well, 503 with the problems otherwise.
func (d *daemon) healthz(w http.ResponseWriter, r *http.Request) {
	h := health{OK: true, IMAPSession: d.imapUp.Load(),
		IMAP: probe(r.Context(), d.cfg.IMAP.Address), SMTP: probe(r.Context(), d.cfg.SMTP.Address)}
	err := d.store.View(r.Context(), func(tx *store.Tx) (err error) {
		h.Outbox, err = tx.OutboxCounts()
		return err
	})
	if err != nil {
		h.Problems = append(h.Problems, err.Error())
	}
	if !h.Outbox.OldestPending.IsZero() {
		h.OutboxAge = workflow.SecondsOf(time.Since(h.Outbox.OldestPending))
	}
	if !h.IMAPSession {
		h.Problems = append(h.Problems, "not logged in to the IMAP server (see the log)")
	}
	for _, s := range []*mailauth.Status{d.imapStatus, d.smtpStatus} {
		if err := s.Err(); err != nil {
			h.Problems = append(h.Problems, s.Server+": "+err.Error())
		}
	}
	for _, s := range []reach{h.IMAP, h.SMTP} {
		if !s.Reachable {
			h.Problems = append(h.Problems, s.Address+" does not answer")
		}
	}
	if max := d.cfg.HTTP.MaxOutboxAge.Duration; max > 0 && h.OutboxAge.Duration() > max {
		h.Problems = append(h.Problems, fmt.Sprintf("the oldest pending mail has waited %s", h.OutboxAge))
	}
	h.OK = len(h.Problems) == 0
	w.Header().Set("Content-Type", "application/json")
	if !h.OK {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	_ = json.NewEncoder(w).Encode(h) // the client went away; nothing to do
}

// probe dials address: whether a server answers there now.
func probe(ctx context.Context, address string) reach {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	c, err := (&net.Dialer{}).DialContext(ctx, "tcp", address)
	if err == nil {
		c.Close()
	}
	return reach{Address: address, Reachable: err == nil}
}
