package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/nems-harness/nems-harness/fixtures"
	"github.com/nems-harness/nems-harness/internal/certs"
	"github.com/nems-harness/nems-harness/mockspine"
)

func init() {
	commands["serve"] = command{"run the mock Spine/NEMS publication endpoint", runServe}
}

// serveFlags are shared by every command that starts a mock.
type serveFlags struct {
	profile  string
	fixtures string
	journal  string
	disable  listFlag
	content  string
}

func (f *serveFlags) register(fs *flagSet) {
	fs.profileVar(&f.profile, "profile", string(mockspine.Profile2019), "rule profile: nems-2019-01 or nems-current")
	fs.StringVar(&f.fixtures, "fixtures", "", "folder holding spine.json and pds.json (default: the embedded world)")
	fs.StringVar(&f.journal, "journal", "", "append every request to this JSON-lines file, synced before answering")
	fs.Var(&f.disable, "disable-rule", "rule ID the mock stops enforcing, to check that a suite notices; repeatable")
	fs.StringVar(&f.content, "content", string(mockspine.ContentReport), "content mode: report (failed content rules are warnings on a 202) or reject (a failed error content rule answers 422)")
}

// server builds the mock from the flags.
func (f *serveFlags) server(log *slog.Logger) (*mockspine.Server, *mockspine.Journal, error) {
	p, err := mockspine.ParseProfile(f.profile)
	if err != nil {
		return nil, nil, err
	}
	mode, err := mockspine.ParseContentMode(f.content)
	if err != nil {
		return nil, nil, err
	}
	w, err := fixtures.Load(f.fixtures)
	if err != nil {
		return nil, nil, err
	}
	j := mockspine.NewJournal()
	if f.journal != "" {
		if j, err = mockspine.OpenJournal(f.journal); err != nil {
			return nil, nil, err
		}
	}
	s, err := mockspine.NewServer(mockspine.Config{Profile: p, World: w, Journal: j, Logger: log, DisabledRules: f.disable, Content: mode})
	if err != nil {
		return nil, nil, err
	}
	return s, j, nil
}

func runServe(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	return serveUntil(ctx, args, stdout, stderr)
}

// serveUntil runs the mock until ctx ends (a signal, or a test's cancel).
func serveUntil(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("serve", stdout, stderr, withEnv)
	var sf serveFlags
	sf.register(fs)
	var addr string
	fs.addrVar(&addr, "addr", "127.0.0.1:4854", "address to listen on (0.0.0.0:4854 for every interface, as in a container)")
	quiet := fs.Bool("quiet", false, "do not log each request")
	tlsDir := fs.String("tls-dir", "", "serve HTTPS with mutual TLS, using the test CA and server certificate in this folder (made by certs init)")
	adminAddr := fs.String("admin-addr", defaultAdminAddr, "where the dashboard and admin API also listen, over plain HTTP: with --tls-dir by default, otherwise only when given (\"off\": nowhere else)")
	if code, ok := fs.parse(args); !ok {
		return code
	}
	level := slog.LevelInfo
	if *quiet {
		level = slog.LevelError
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	srv, journal, err := sf.server(log)
	if err != nil {
		return fail(stderr, "serve", err)
	}
	defer journal.Close()

	hs := mockspine.NewHTTPServer(srv)
	// Refused TLS handshakes (no, foreign, expired or revoked client
	// certificate) are journaled and logged by the mock itself; net/http's
	// own lines about them are debugging detail.
	hs.ErrorLog = slog.NewLogLogger(log.Handler(), slog.LevelDebug)
	scheme := "http"
	if *tlsDir != "" {
		cfg, err := certs.ServerTLSConfig(*tlsDir)
		if err != nil {
			return fail(stderr, "serve", err)
		}
		srv.ConfigureTLS(hs, cfg)
		scheme = "https"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fail(stderr, "serve", err)
	}
	admin := ""
	if fs.isSet("admin-addr") || *tlsDir != "" {
		admin = *adminAddr
	}
	var adminSrv *http.Server
	var dashURL string
	if adminSrv, dashURL, err = serveDashboard(hs, srv, scheme+"://"+ln.Addr().String()+mockspine.PublishPath,
		admin, fs.isSet("admin-addr"), stderr, log); err != nil {
		ln.Close()
		return fail(stderr, "serve", err)
	}
	if adminSrv != nil {
		defer adminSrv.Close()
	}
	errc := make(chan error, 1)
	// Decided before serving: ServeTLS writes to hs.TLSConfig.
	useTLS := hs.TLSConfig != nil
	go func() {
		if useTLS {
			errc <- hs.ServeTLS(ln, "", "")
		} else {
			errc <- hs.Serve(ln)
		}
	}()
	fmt.Fprintf(stdout, "nems-harness: NEMS mock (profile %s) listening on %s://%s%s\n", srv.Judge().Profile, scheme, ln.Addr(), mockspine.PublishPath)
	if useTLS {
		fmt.Fprintf(stdout, "nems-harness: mutual TLS: clients trust %s and present an endpoint certificate from certs issue\n",
			filepath.Join(*tlsDir, certs.CAFile))
	}
	if dashURL != "" {
		fmt.Fprintf(stdout, "nems-harness: dashboard at %s\n", dashURL)
	}
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return fail(stderr, "serve", err)
		}
	case <-ctx.Done():
		shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := hs.Shutdown(shut); err != nil {
			return fail(stderr, "serve", fmt.Errorf("shutting down: %w", err))
		}
		fmt.Fprintln(stdout, "nems-harness: stopped")
	}
	return 0
}
