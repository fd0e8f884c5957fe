package certs

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nems-harness/nems-harness/mockspine/world"
)

// PKI is a ready-made test PKI for a world: the mock's server configuration
// and, for every directory endpoint registered with a CN=<fqdn> subject, a
// client presenting that endpoint's certificate. The conformance suite uses
// it to run over mutual TLS so that EP-CERT is really assessed.
type PKI struct {
	Dir    string
	Server *tls.Config
	// Plain trusts the mock but presents no certificate.
	Plain   *http.Client
	clients map[string]*http.Client
}

// NewPKI makes a PKI in dir (which should be empty, e.g. a temporary
// folder) and issues an endpoint certificate for each registered endpoint.
func NewPKI(dir string, w *world.World) (*PKI, error) {
	if err := Init(dir); err != nil {
		return nil, err
	}
	return openPKI(dir, w, true)
}

// OpenPKI uses a folder made by certs init and certs issue: clients for the
// endpoints whose certificate files (<fqdn>.pem, <fqdn>-key.pem) are there.
func OpenPKI(dir string, w *world.World) (*PKI, error) { return openPKI(dir, w, false) }

func openPKI(dir string, w *world.World, issue bool) (*PKI, error) {
	server, err := ServerTLSConfig(dir)
	if err != nil {
		return nil, err
	}
	p := &PKI{Dir: dir, Server: server, clients: map[string]*http.Client{}}
	ca := filepath.Join(dir, CAFile)
	if p.Plain, err = p.client(ca, "", ""); err != nil {
		return nil, err
	}
	for _, e := range w.Spine.Endpoints {
		fqdn, ok := strings.CutPrefix(strings.TrimSpace(e.CertificateSubject), "CN=")
		if !ok || ValidFQDN(fqdn) != nil {
			continue // a subject the test PKI cannot reproduce
		}
		cert, key := filepath.Join(dir, fqdn+".pem"), filepath.Join(dir, fqdn+"-key.pem")
		if issue {
			if cert, key, _, err = Issue(dir, e.ASID, fqdn, IssueOptions{}); err != nil {
				return nil, fmt.Errorf("issuing the certificate of ASID %s: %w", e.ASID, err)
			}
		} else if _, err := os.Stat(cert); err != nil {
			continue // not issued in this folder
		}
		if p.clients[e.ASID], err = p.client(ca, cert, key); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (p *PKI) client(ca, cert, key string) (*http.Client, error) {
	cfg, err := ClientTLSConfig(ca, cert, key)
	if err != nil {
		return nil, err
	}
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: cfg}}, nil
}

// ClientFor returns the client presenting the endpoint certificate of an
// ASID, or nil when the ASID has none.
func (p *PKI) ClientFor(asid string) *http.Client { return p.clients[asid] }
