package dovecot

import (
	"fmt"
	"os"

	"incidentd/mailservers/privateca"
)

// TLSName is the DNS name the servers' certificate holds beside
// "localhost" and the IP address 127.0.0.1: a client can be configured
// with a server name that differs from the address it dials.
const TLSName = "mail.incidentd.test"

// certificates are a private CA and the files of the certificate it
// signed for the mail servers. A CA of its own, rather than a
// self-signed server certificate, is what operators of private mail
// servers hand to clients, and what the product's CA-file setting
// expects.
type certificates struct {
	ca       *privateca.CA
	certFile string // the servers' certificate
	keyFile  string // and its key
}

// newCertificates makes a private CA and a server certificate into dir.
func newCertificates(dir string) (*certificates, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("make certificates: %w", err)
	}
	ca, err := privateca.New(dir)
	if err != nil {
		return nil, err
	}
	c := &certificates{ca: ca}
	if c.certFile, c.keyFile, err = ca.WriteServer(dir, TLSName, "localhost", "127.0.0.1"); err != nil {
		return nil, err
	}
	return c, nil
}
