package supplier

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nems-harness/nems-harness/internal/certs"
	"github.com/nems-harness/nems-harness/internal/dashboard"
	"github.com/nems-harness/nems-harness/mockspine"
	"github.com/nems-harness/nems-harness/mockspine/world"
)

// mockConfig is what the in-process mock is started with.
type mockConfig struct {
	Profile mockspine.Profile
	World   *world.World
	// Addr is the listen address; empty means 127.0.0.1 on a free port.
	Addr string
	// JournalPath, when set, is replaced by a fresh journal file.
	JournalPath string
	// TLSDir turns on mutual TLS with the test PKI in that folder.
	TLSDir   string
	Endpoint *world.Endpoint
	// Content is the mock's content mode.
	Content mockspine.ContentMode
}

// mockNEMS is the mock Spine/NEMS endpoint the supplier's system publishes
// to, running in this process.
type mockNEMS struct {
	server     *mockspine.Server
	journal    *mockspine.Journal
	http       *http.Server
	url        string
	tls        *TLSFiles
	handshakes *handshakeLog
	errc       chan error
	// dashboard is the live view's link; admin serves it beside a mock
	// that asks for client certificates (nil otherwise).
	dashboard string
	admin     *http.Server
}

// TLSFiles are the test PKI files a system needs for mutual TLS with the
// mock: the CA to trust, and its endpoint certificate and key (empty when
// none could be provided).
type TLSFiles struct {
	CA, Cert, Key string
	// Subject is the endpoint certificate's subject.
	Subject string
}

func startMock(c mockConfig) (*mockNEMS, error) {
	journal := mockspine.NewJournal()
	if c.JournalPath != "" {
		if err := os.Remove(c.JournalPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("replacing the journal: %w", err)
		}
		j, err := mockspine.OpenJournal(c.JournalPath)
		if err != nil {
			return nil, err
		}
		journal = j
	}
	srv, err := mockspine.NewServer(mockspine.Config{Profile: c.Profile, World: c.World, Journal: journal, Content: c.Content})
	if err != nil {
		journal.Close()
		return nil, err
	}
	m := &mockNEMS{server: srv, journal: journal, handshakes: &handshakeLog{journal: journal}, errc: make(chan error, 1)}
	m.http = mockspine.NewHTTPServer(srv)
	// Failed handshakes are journaled by the mock (see handshakeLog);
	// net/http's own lines about them say nothing more.
	m.http.ErrorLog = log.New(io.Discard, "", 0)
	scheme := "http"
	if c.TLSDir != "" {
		files, cfg, err := prepareTLS(c.TLSDir, c.World, c.Endpoint)
		if err != nil {
			journal.Close()
			return nil, err
		}
		srv.ConfigureTLS(m.http, cfg)
		m.tls, scheme = files, "https"
	}
	addr := c.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		journal.Close()
		return nil, fmt.Errorf("starting the mock: %w", err)
	}
	m.url = scheme + "://" + dialable(ln.Addr()) + mockspine.PublishPath
	if err := m.startDashboard(); err != nil {
		ln.Close()
		journal.Close()
		return nil, err
	}
	go func() {
		if m.http.TLSConfig != nil {
			m.errc <- m.http.ServeTLS(ln, "", "")
		} else {
			m.errc <- m.http.Serve(ln)
		}
	}()
	return m, nil
}

// dialable is an address clients on this machine can reach: an unspecified
// host (0.0.0.0, ::) becomes 127.0.0.1.
func dialable(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return a.String()
	}
	return net.JoinHostPort("127.0.0.1", fmt.Sprint(tcp.Port))
}

// startDashboard serves the dashboard beside the mock, and over mutual TLS
// also on a loopback listener of its own that a browser can reach.
func (m *mockNEMS) startDashboard() error {
	d, err := dashboard.New(dashboard.Config{Server: m.server, PublishURL: m.url, Verdicts: PublisherVerdicts})
	if err != nil {
		return err
	}
	m.http.Handler = dashboard.Mount(d, m.server)
	m.http.RegisterOnShutdown(d.Close)
	m.dashboard = strings.TrimSuffix(m.url, mockspine.PublishPath) + dashboard.Prefix
	if m.http.TLSConfig == nil {
		return nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("starting the dashboard: %w", err)
	}
	m.admin = mockspine.NewHTTPServer(dashboard.Admin(d, m.server))
	m.admin.RegisterOnShutdown(d.Close)
	m.dashboard = "http://" + ln.Addr().String() + dashboard.Prefix
	go func() { _ = m.admin.Serve(ln) }() // ends with ErrServerClosed at close
	return nil
}

func (m *mockNEMS) close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if m.admin != nil {
		_ = m.admin.Shutdown(ctx)
	}
	err := m.http.Shutdown(ctx)
	if serr := <-m.errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return errors.Join(err, m.journal.Close())
}

// prepareTLS readies the test PKI in dir: the CA and the mock's server
// certificate (created when the folder holds no CA), and the endpoint
// certificate of the supplier's endpoint (issued when missing, for a
// certificateSubject of the form CN=<host>).
func prepareTLS(dir string, w *world.World, ep *world.Endpoint) (*TLSFiles, *tls.Config, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, nil, err
	}
	if _, err := os.Stat(filepath.Join(abs, certs.CAFile)); errors.Is(err, fs.ErrNotExist) {
		if err := certs.Init(abs); err != nil {
			return nil, nil, fmt.Errorf("creating the test CA in %s: %w", dir, err)
		}
	}
	cfg, err := certs.ServerTLSConfig(abs)
	if err != nil {
		return nil, nil, err
	}
	files := &TLSFiles{CA: filepath.Join(abs, certs.CAFile)}
	fqdn, ok := strings.CutPrefix(strings.TrimSpace(ep.CertificateSubject), "CN=")
	if !ok || certs.ValidFQDN(fqdn) != nil {
		return files, cfg, nil
	}
	files.Subject = certs.Subject(fqdn)
	files.Cert, files.Key = filepath.Join(abs, fqdn+".pem"), filepath.Join(abs, fqdn+"-key.pem")
	if exists(files.Cert) && exists(files.Key) {
		return files, cfg, nil
	}
	if _, _, _, err := certs.Issue(abs, ep.ASID, fqdn, certs.IssueOptions{}); err != nil {
		return nil, nil, fmt.Errorf("issuing the endpoint certificate for %s: %w", ep.ASID, err)
	}
	return files, cfg, nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// handshakeEvent is a TLS handshake the mock's listener failed.
type handshakeEvent struct {
	At     time.Time
	Remote string
	Reason string
	// ClientCert is true when the mock refused the client's certificate
	// (none, untrusted, out of date, revoked): a breach of EP-CERT.
	// Otherwise the client gave up (for example it does not trust the
	// mock's CA) or did not speak TLS.
	ClientCert bool
}

func (e handshakeEvent) String() string {
	return fmt.Sprintf("%s TLS handshake from %s failed: %s", e.At.UTC().Format("15:04:05.000Z"), e.Remote, e.Reason)
}

// handshakeLog reads the failed TLS handshakes the mock journaled
// (mockspine.Entry.Handshake).
type handshakeLog struct {
	journal *mockspine.Journal
}

// between returns the events from start (inclusive) to end (exclusive; zero
// means open).
func (l *handshakeLog) between(start, end time.Time) []handshakeEvent {
	var out []handshakeEvent
	for _, e := range l.journal.List(0) {
		h := e.Handshake
		if h == nil || e.Received.Before(start) || (!end.IsZero() && !e.Received.Before(end)) {
			continue
		}
		reason := h.Reason
		if h.Subject != "" {
			reason += " (certificate " + h.Subject + ", serial " + h.Serial + ")"
		}
		out = append(out, handshakeEvent{At: e.Received, Remote: e.Remote, Reason: reason, ClientCert: h.Refused})
	}
	return out
}
