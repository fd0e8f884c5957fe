package supplier

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/nems-harness/nems-harness/internal/certs"
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
	m := &mockNEMS{server: srv, journal: journal, handshakes: &handshakeLog{}, errc: make(chan error, 1)}
	m.http = mockspine.NewHTTPServer(srv)
	m.http.ErrorLog = log.New(m.handshakes, "", 0)
	scheme := "http"
	if c.TLSDir != "" {
		files, cfg, err := prepareTLS(c.TLSDir, c.World, c.Endpoint)
		if err != nil {
			journal.Close()
			return nil, err
		}
		m.tls, m.http.TLSConfig, scheme = files, cfg, "https"
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

func (m *mockNEMS) close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
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
	cfg, err := certs.ServerTLSConfig(abs, w)
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
	// ClientCert is true when the handshake failed over the client's
	// certificate (none, untrusted, out of date, revoked): a breach of
	// EP-CERT. Otherwise the client gave up (for example it does not trust
	// the mock's CA) or did not speak TLS.
	ClientCert bool
}

func (e handshakeEvent) String() string {
	return fmt.Sprintf("%s TLS handshake from %s failed: %s", e.At.UTC().Format("15:04:05.000Z"), e.Remote, e.Reason)
}

// handshakeLog is the mock's http.Server error log: it keeps the failed TLS
// handshakes, which never reach the journal.
type handshakeLog struct {
	mu     sync.Mutex
	events []handshakeEvent
}

const handshakePrefix = "http: TLS handshake error from "

func (l *handshakeLog) Write(p []byte) (int, error) {
	for _, line := range strings.Split(strings.TrimSpace(string(p)), "\n") {
		rest, ok := strings.CutPrefix(line, handshakePrefix)
		if !ok {
			continue
		}
		// The remote address is host:port, and an IPv6 host holds colons
		// too: the reason follows the first ": ".
		remote, reason, _ := strings.Cut(rest, ": ")
		if reason == "EOF" || strings.Contains(reason, "connection reset") {
			continue // the client hung up before saying anything
		}
		clientSide := strings.Contains(reason, "remote error") || strings.Contains(reason, "HTTP request to an HTTPS server")
		l.mu.Lock()
		l.events = append(l.events, handshakeEvent{At: time.Now(), Remote: remote, Reason: reason, ClientCert: !clientSide})
		l.mu.Unlock()
	}
	return len(p), nil
}

// between returns the events from start (inclusive) to end (exclusive; zero
// means open).
func (l *handshakeLog) between(start, end time.Time) []handshakeEvent {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []handshakeEvent
	for _, e := range l.events {
		if !e.At.Before(start) && (end.IsZero() || e.At.Before(end)) {
			out = append(out, e)
		}
	}
	return out
}
