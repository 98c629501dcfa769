package mailauth

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
)

// TLSOptions say which certificates a server may present.
type TLSOptions struct {
	// CAFile is a PEM bundle of certificate authorities trusted besides
	// the system's, e.g. a company's private CA.
	CAFile string
	// ServerName is the name the certificate must carry, when it is not
	// the host of the server's address (e.g. the address is an IP).
	ServerName string
}

// Config returns the TLS client configuration for the server at address
// ("host:port").
func (o TLSOptions) Config(address string) (*tls.Config, error) {
	cfg := &tls.Config{ServerName: o.ServerName, MinVersion: tls.VersionTLS12}
	if cfg.ServerName == "" {
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return nil, fmt.Errorf("address %q: %w", address, err)
		}
		cfg.ServerName = host
	}
	if o.CAFile != "" {
		pool, err := CertPool(o.CAFile)
		if err != nil {
			return nil, err
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}

// CertPool is the system's roots plus every certificate of the PEM file.
// It fails when the file holds no certificate, or a block that is not one.
func CertPool(file string) (*x509.CertPool, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read CA file: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	n := 0
	for rest := b; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			if n > 0 && strings.TrimSpace(string(rest)) != "" {
				return nil, fmt.Errorf("CA file %s: text after certificate %d is not PEM", file, n)
			}
			break
		}
		if block.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("CA file %s: block %d is a %q, not a CERTIFICATE", file, n+1, block.Type)
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("CA file %s: certificate %d: %w", file, n+1, err)
		}
		pool.AddCert(cert)
		n++
	}
	if n == 0 {
		return nil, fmt.Errorf("CA file %s holds no PEM certificate (-----BEGIN CERTIFICATE-----)", file)
	}
	return pool, nil
}

// tlsHint explains a failed TLS handshake, or returns "".
func tlsHint(err error) string {
	var unknown x509.UnknownAuthorityError
	var name x509.HostnameError
	var invalid x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	switch {
	case errors.As(err, &unknown):
		return "the server's certificate is signed by an authority this machine does not trust: " +
			"set tls_ca_file to the PEM file of that authority (a company's private CA)"
	case errors.As(err, &name):
		names := name.Certificate.DNSNames
		if len(names) == 0 {
			return fmt.Sprintf("the server's certificate does not name %q", name.Host)
		}
		return fmt.Sprintf("the server's certificate names %s, not %q: connect by one of those names, "+
			"or set tls_server_name = %q", strings.Join(names, ", "), name.Host, names[0])
	case errors.As(err, &invalid):
		return "the server's certificate is not valid now (expired, or not yet valid): the server's operator must renew it"
	case errors.As(err, &verify):
		return "the server's certificate could not be verified"
	}
	return ""
}
