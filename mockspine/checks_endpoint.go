package mockspine

import (
	"fmt"
)

func checkEndpointCert(r *Rule, x *Exchange) Verdict {
	if !x.TLS {
		return r.skip("the request came over plain HTTP; endpoint certificates are only checked over mutual TLS (serve --tls-dir)")
	}
	if len(x.PeerCertificates) == 0 {
		return r.failWith("no-certificate",
			"no client certificate was presented; a Spine endpoint must present its endpoint certificate")
	}
	leaf := x.PeerCertificates[0]
	subject := leaf.Subject.String()
	switch {
	case x.Now.After(leaf.NotAfter):
		return r.fail("the endpoint certificate %s expired at %s", subject, leaf.NotAfter.UTC().Format("2006-01-02 15:04:05Z"))
	case x.Now.Before(leaf.NotBefore):
		return r.fail("the endpoint certificate %s is not valid until %s", subject, leaf.NotBefore.UTC().Format("2006-01-02 15:04:05Z"))
	case x.World.Revoked(leaf.SerialNumber.String(), fmt.Sprintf("%x", leaf.SerialNumber)):
		return r.fail("the endpoint certificate %s (serial %s) is revoked", subject, leaf.SerialNumber)
	}
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
