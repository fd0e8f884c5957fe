package mockspine

import (
	"crypto/x509"
	"fmt"
	"time"

	"github.com/nems-harness/nems-harness/mockspine/world"
)

func checkEndpointCert(r *Rule, x *Exchange) Verdict {
	if !x.TLS {
		return r.skip("the request came over plain HTTP; endpoint certificates are only checked over mutual TLS (serve --tls-dir)")
	}
	if len(x.PeerCertificates) == 0 {
		return r.failWith("no-certificate",
			"no client certificate was presented; a Spine endpoint must present its endpoint certificate")
	}
	// The chain was verified at the handshake, against the CA this judge
	// does not hold; the rest of the certificate's own check is the same.
	if problem := certificateProblem(x.World, x.PeerCertificates, nil, x.Now); problem != "" {
		return r.fail("%s", problem)
	}
	leaf := x.PeerCertificates[0]
	subject := leaf.Subject.String()
	ep, ok := x.World.EndpointByCertificateSubject(subject)
	if !ok {
		return r.fail("the certificate subject %s is registered for no endpoint in the directory", subject)
	}
	from, _ := x.headerValue("fromASID")
	if from != ep.ASID {
		return r.fail("the endpoint certificate %s is registered for ASID %s, but fromASID is %q", subject, ep.ASID, from)
	}
	if sys, err := x.requestingSystem(); err == nil && sys.Value != ep.ASID {
		return r.fail("the endpoint certificate %s is registered for ASID %s, but requesting_system names %s", subject, ep.ASID, sys.Value)
	}
	return r.pass("endpoint certificate %s, registered for ASID %s", subject, ep.ASID)
}

// certificateProblem is EP-CERT's check of a client certificate itself,
// used alike at the TLS handshake (which refuses what it finds) and for the
// HTTP verdict: a certificate is presented, chains to roots for client
// authentication (when roots are given: the handshake has them, a journal
// judged again does not), is in date at now, and is not revoked. It says
// what is wrong, or "" when nothing is.
func certificateProblem(w *world.World, chain []*x509.Certificate, roots *x509.CertPool, now time.Time) string {
	if len(chain) == 0 {
		return "no client certificate was presented; a Spine endpoint must present its endpoint certificate"
	}
	leaf := chain[0]
	subject := leaf.Subject.String()
	switch {
	case now.After(leaf.NotAfter):
		return fmt.Sprintf("the endpoint certificate %s expired at %s", subject, leaf.NotAfter.UTC().Format("2006-01-02 15:04:05Z"))
	case now.Before(leaf.NotBefore):
		return fmt.Sprintf("the endpoint certificate %s is not valid until %s", subject, leaf.NotBefore.UTC().Format("2006-01-02 15:04:05Z"))
	case w.Revoked(leaf.SerialNumber.String(), fmt.Sprintf("%x", leaf.SerialNumber)):
		return fmt.Sprintf("the endpoint certificate %s (serial %s) is revoked", subject, leaf.SerialNumber)
	}
	if roots == nil {
		return ""
	}
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	_, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: now,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
	if err != nil {
		return fmt.Sprintf("the endpoint certificate %s does not chain to the Spine CA: %v", subject, err)
	}
	return ""
}
