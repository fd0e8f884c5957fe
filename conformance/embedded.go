package conformance

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/nems-harness/nems-harness/internal/certs"
	"github.com/nems-harness/nems-harness/mockspine"
	"github.com/nems-harness/nems-harness/mockspine/world"
)

// embedded is the mock served in-process for a run.
type embedded struct {
	url string
	pki *certs.PKI // nil over plain HTTP
	hs  interface {
		Shutdown(context.Context) error
	}
	dir string
}

// startEmbedded serves the mock in-process on a free loopback port, over
// mutual TLS with a throwaway test PKI unless plain HTTP is asked for.
func startEmbedded(w *world.World, p mockspine.Profile, mtls bool, disabled []string, content mockspine.ContentMode) (*embedded, error) {
	srv, err := mockspine.NewServer(mockspine.Config{Profile: p, World: w, DisabledRules: disabled, Content: content})
	if err != nil {
		return nil, fmt.Errorf("starting the embedded mock: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listening for the embedded mock: %w", err)
	}
	// The embedded mock listens with the limits and timeouts of every
	// listener of the mock.
	hs := mockspine.NewHTTPServer(srv)
	// Refused handshakes are what the EP-CERT scenarios expect: not news.
	hs.ErrorLog = log.New(io.Discard, "", 0)
	e := &embedded{hs: hs}
	scheme := "http"
	if mtls {
		if e.dir, err = os.MkdirTemp("", "nems-harness-pki-"); err != nil {
			ln.Close()
			return nil, fmt.Errorf("making the test PKI folder: %w", err)
		}
		if e.pki, err = certs.NewPKI(filepath.Join(e.dir, "pki"), w); err != nil {
			ln.Close()
			os.RemoveAll(e.dir)
			return nil, err
		}
		srv.ConfigureTLS(hs, e.pki.Server)
		scheme = "https"
		go func() { _ = hs.ServeTLS(ln, "", "") }()
	} else {
		go func() { _ = hs.Serve(ln) }()
	}
	// The test PKI's server certificate names localhost and 127.0.0.1.
	e.url = fmt.Sprintf("%s://%s", scheme, ln.Addr())
	return e, nil
}

func (e *embedded) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = e.hs.Shutdown(ctx)
	if e.dir != "" {
		os.RemoveAll(e.dir)
	}
}
