package certs

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ServerTLSConfig is the mock's mutual-TLS configuration from a certificate
// folder made by Init: TLS 1.2 or later, the server certificate, and a
// client certificate required and verified against the test Spine CA.
// mockspine.Server.ConfigureTLS serves the mock with it, handing the
// judgement of the client certificate to rule EP-CERT's own check (chain,
// dates and revocation at the handshake; the directory registration for the
// ASID the request claims, over HTTP), so that there is one check.
func ServerTLSConfig(dir string) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(filepath.Join(dir, ServerCertFile), filepath.Join(dir, ServerKeyFile))
	if err != nil {
		return nil, fmt.Errorf("loading the server certificate from %s: %w (create it with certs init)", dir, err)
	}
	pool, err := certPool(filepath.Join(dir, CAFile))
	if err != nil {
		return nil, err
	}
	return &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{cert},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    pool,
	}, nil
}

// ClientTLSConfig is a Go client's configuration for the mock: trust the CA
// file (ca.pem), and present the endpoint certificate and key when given
// (both or neither). The certificate is presented whatever CAs the server
// asks for, as curl does: left to itself, Go's client sends nothing when its
// certificate is not from a CA the server names, and a test of a foreign
// certificate would then test no certificate instead.
func ClientTLSConfig(caFile, certFile, keyFile string) (*tls.Config, error) {
	if (certFile == "") != (keyFile == "") {
		return nil, errors.New("give both a certificate and its key, or neither")
	}
	pool, err := certPool(caFile)
	if err != nil {
		return nil, err
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: pool}
	if certFile != "" {
		c, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, fmt.Errorf("loading the client certificate: %w", err)
		}
		cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &c, nil }
	}
	return cfg, nil
}

func certPool(caFile string) (*x509.CertPool, error) {
	if caFile == "" {
		return nil, errors.New("no CA file given")
	}
	b, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("reading the CA file: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		return nil, fmt.Errorf("%s holds no PEM certificate", caFile)
	}
	return pool, nil
}
