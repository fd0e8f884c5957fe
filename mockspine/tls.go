package mockspine

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"syscall"
)

// ConfigureTLS makes hs serve the mock over mutual TLS with base's server
// certificate and client CAs. The client certificate is judged at the
// handshake by EP-CERT's own check (the one its HTTP verdict uses). A
// handshake it refuses, and one that fails on the client's side, is
// journaled as an entry of its own (Entry.Handshake), so no error log needs
// reading. Call it before hs serves; an hs.ConnState already set is kept.
func (s *Server) ConfigureTLS(hs *http.Server, base *tls.Config) {
	roots := base.ClientCAs
	cfg := base.Clone()
	// The mock's check decides, not crypto/tls: a missing certificate is
	// then refused, and journaled, like any other.
	cfg.ClientAuth = tls.RequestClientCert
	cfg.VerifyConnection = nil
	cfg.GetConfigForClient = func(hello *tls.ClientHelloInfo) (*tls.Config, error) {
		c := cfg.Clone()
		c.GetConfigForClient = nil
		conn := hello.Conn
		c.VerifyConnection = func(cs tls.ConnectionState) error {
			return s.verifyHandshake(conn, cs.PeerCertificates, roots)
		}
		return c, nil
	}
	hs.TLSConfig = cfg
	prev := hs.ConnState
	hs.ConnState = func(c net.Conn, st http.ConnState) {
		if st == http.StateClosed {
			s.handshakeClosed(c)
		}
		if prev != nil {
			prev(c, st)
		}
	}
}

// verifyHandshake judges the client certificate of a handshake; a refusal
// is journaled before the client is told.
func (s *Server) verifyHandshake(conn net.Conn, chain []*x509.Certificate, roots *x509.CertPool) error {
	now := s.judge.now()
	problem := certificateProblem(s.judge.World, chain, roots, now)
	if problem == "" {
		return nil
	}
	s.refused.Store(conn, struct{}{})
	s.recordHandshake(refusedHandshake(s.judge.Profile, now, remoteOf(conn), chain, problem))
	return errors.New(problem)
}

// handshakeClosed journals a connection closed before its TLS handshake
// completed, unless the mock itself refused it (already journaled) or the
// client hung up without a word (a port probe, a health check).
func (s *Server) handshakeClosed(c net.Conn) {
	tc, ok := c.(*tls.Conn)
	if !ok {
		return
	}
	if _, refused := s.refused.LoadAndDelete(tc.NetConn()); refused {
		return
	}
	if tc.ConnectionState().HandshakeComplete {
		return
	}
	// A failed handshake keeps its error: asking again returns it.
	err := tc.Handshake()
	if err == nil || errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, net.ErrClosed) {
		return
	}
	reason := err.Error()
	var rh tls.RecordHeaderError
	if errors.As(err, &rh) {
		reason = "the client did not speak TLS (plain HTTP to the HTTPS endpoint?): " + reason
	}
	s.recordHandshake(handshakeEntry(s.judge.Profile, s.judge.now(), remoteOf(tc.NetConn()), Handshake{Reason: reason}))
}

func remoteOf(c net.Conn) string {
	if a := c.RemoteAddr(); a != nil {
		return a.String()
	}
	return ""
}

// recordHandshake journals a handshake entry; a journal that cannot keep it
// is logged, as there is no answer to carry the failure.
func (s *Server) recordHandshake(e *Entry) {
	s.stamp(e)
	if err := s.journal.Append(e); err != nil {
		s.log.Error("journal", "err", err)
		return
	}
	s.log.Info("handshake", "id", e.ID, "remote", e.Remote, "refused", e.Handshake.Refused, "reason", e.Handshake.Reason)
}
