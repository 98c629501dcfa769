package mailin

import (
	"testing"

	"incidentd/workflow"
)

// TestDMARCPass reads Authentication-Results as a trusting receiver must:
// only the topmost field of a trusted authserv-id counts.
func TestDMARCPass(t *testing.T) {
	trusted := []string{"mx.example.com"}
	cases := []struct {
		name   string
		fields []string // topmost first
		want   bool
	}{
		{"dmarc pass", []string{"mx.example.com; spf=pass smtp.mailfrom=example.com; dmarc=pass (p=reject dis=none) header.from=example.com"}, true},
		{"version and comments", []string{"MX.Example.COM 1; dkim = pass (2048-bit key) header.d=example.com header.s=sel; dmarc=fail"}, true},
		{"aligned dkim, parent domain", []string{"mx.example.com; dkim=pass header.i=@example.com"}, true},
		{"dkim of another domain", []string{"mx.example.com; dkim=pass header.d=evil.example; dmarc=fail header.from=example.com"}, false},
		{"dkim of a bare TLD", []string{"mx.example.com; dkim=pass header.d=com"}, false},
		{"dmarc pass for another From", []string{"mx.example.com; dmarc=pass header.from=evil.example"}, false},
		{"untrusted authserv-id", []string{"evil.example; dmarc=pass header.from=example.com"}, false},
		{"forged below the trusted one", []string{"mx.example.com; dmarc=fail header.from=example.com",
			"mx.example.com; dmarc=pass header.from=example.com"}, false},
		{"untrusted above, trusted fail", []string{"evil.example; dmarc=pass", "mx.example.com; dmarc=none"}, false},
		{"untrusted above, trusted pass", []string{"evil.example; dmarc=fail", "mx.example.com; dmarc=pass"}, true},
		{"comment hides a pass", []string{"mx.example.com; dmarc=fail (dmarc=pass)"}, false},
		{"none", nil, false},
	}
	for _, tc := range cases {
		if got := dmarcPass(tc.fields, trusted, "example.com"); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestDMARCPolicy: under the dmarc policy a command counts when our border
// server says the From domain passed, and an Authentication-Results header
// forged below the trusted one is ignored.
func TestDMARCPolicy(t *testing.T) {
	newDMARC := func(t *testing.T) *Processor {
		p := newProcessor(t)
		p.CommandAuth, p.TrustedAuthservIDs = AuthDMARC, []string{"mx.example.com"}
		reported(t, p, false)
		return p
	}
	t.Run("forged below the trusted one", func(t *testing.T) {
		p := newDMARC(t)
		_, _, before := p.snapshot(t)
		p.handleAll(t, mailText("alice@example.com", "Re: [INC-1] Printer jam", "d1@evil.example", "", "ACCEPT",
			"Authentication-Results: mx.example.com; spf=softfail smtp.mailfrom=evil.example; dmarc=fail header.from=example.com",
			"Authentication-Results: mx.example.com; dmarc=pass header.from=example.com"))
		expectRefused(t, p, len(before), workflow.Unauthenticated, "alice@example.com")
	})
	t.Run("trusted pass", func(t *testing.T) {
		p := newDMARC(t)
		p.handleAll(t, mailText("alice@example.com", "Re: [INC-1] Printer jam", "d2@example.com", "", "ACCEPT",
			"Authentication-Results: mx.example.com; dkim=pass header.d=example.com; dmarc=pass header.from=example.com"))
		if incs, _, _ := p.snapshot(t); incs[0].State != workflow.InResolution {
			t.Fatalf("state %s", incs[0].State)
		}
	})
}
