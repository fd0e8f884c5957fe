package mockspine

import (
	"crypto/x509"
	"fmt"
	"time"
)

// Handshake is a TLS handshake that did not lead to a request: refused by
// the mock over the client's certificate (a breach of EP-CERT), or failed
// on the client's side (it does not trust the mock's CA, spoke plain HTTP
// to the HTTPS port, or gave up). It is journaled as an entry of its own
// (Entry.Handshake), with the time and remote address of the entry, so that
// the admin API, assess and assure see it as they see requests, and the
// journal's bounds hold for it too.
type Handshake struct {
	// Refused is set when the mock refused the client's certificate; the
	// entry then carries EP-CERT's failed verdict.
	Refused bool   `json:"refused"`
	Reason  string `json:"reason"`
	// Subject and Serial identify the client certificate, when one was
	// sent.
	Subject string `json:"subject,omitempty"`
	Serial  string `json:"serial,omitempty"`
}

// handshakeEntry is the journal entry of a failed handshake.
func handshakeEntry(p Profile, at time.Time, remote string, h Handshake) *Entry {
	return &Entry{Received: at.UTC(), Remote: remote, TLS: true, Profile: p, Handshake: &h}
}

// refusedHandshake is the handshake entry of a certificate EP-CERT refused,
// with the rule's failed verdict.
func refusedHandshake(p Profile, at time.Time, remote string, chain []*x509.Certificate, problem string) *Entry {
	h := Handshake{Refused: true, Reason: problem}
	if len(chain) > 0 {
		h.Subject, h.Serial = chain[0].Subject.String(), chain[0].SerialNumber.String()
	}
	e := handshakeEntry(p, at, remote, h)
	r := ruleIndex["EP-CERT"]
	e.Verdicts = []Verdict{r.fail("the TLS handshake from %s was refused: %s", remote, problem)}
	return e
}

// packHandshake and unpackHandshake carry Entry.Handshake in the packed
// form the journal holds in memory.
func packHandshake(p *packer, h *Handshake) {
	p.flag(h != nil)
	if h == nil {
		return
	}
	p.flag(h.Refused)
	p.str(h.Reason)
	p.str(h.Subject)
	p.str(h.Serial)
}

func unpackHandshake(u *unpacker) *Handshake {
	if !u.flag() {
		return nil
	}
	return &Handshake{Refused: u.flag(), Reason: u.str(), Subject: u.str(), Serial: u.str()}
}

// handshakeSize is what a handshake adds to an entry's memory estimate.
func handshakeSize(h *Handshake) int {
	if h == nil {
		return 0
	}
	return 64 + len(h.Reason) + len(h.Subject) + len(h.Serial)
}

// String describes the handshake in a line.
func (h Handshake) String() string {
	s := "TLS handshake failed on the client's side: " + h.Reason
	if h.Refused {
		s = "TLS handshake refused: " + h.Reason
	}
	if h.Subject != "" {
		s += fmt.Sprintf(" (certificate %s, serial %s)", h.Subject, h.Serial)
	}
	return s
}
