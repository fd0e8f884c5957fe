package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"

	"github.com/nems-harness/nems-harness/internal/dashboard"
	"github.com/nems-harness/nems-harness/mockspine"
	"github.com/nems-harness/nems-harness/supplier"
)

// defaultAdminAddr is where the dashboard and admin API listen when the
// publish endpoint asks for a client certificate (serve --tls-dir): plain
// HTTP on loopback, so that a browser on the same machine reaches them and
// no other machine does.
const defaultAdminAddr = "127.0.0.1:4855"

// serveDashboard puts the dashboard beside the mock on the publish server
// hs, and with an admin address starts the admin listener too, returning
// its server (nil without one) and the dashboard's link. A default admin
// address that is taken is reported and skipped, since the publish
// endpoint matters more; one given explicitly must be free.
func serveDashboard(hs *http.Server, srv *mockspine.Server, publishURL, adminAddr string, explicit bool, stderr io.Writer, log *slog.Logger) (*http.Server, string, error) {
	d, err := dashboard.New(dashboard.Config{Server: srv, PublishURL: publishURL,
		Verdicts: supplier.PublisherVerdicts, Version: version()})
	if err != nil {
		return nil, "", err
	}
	hs.Handler = dashboard.Mount(d, srv)
	hs.RegisterOnShutdown(d.Close) // live streams end, so shutting down does not wait for them
	if adminAddr == "" || adminAddr == "off" {
		return nil, strings.TrimSuffix(publishURL, mockspine.PublishPath) + dashboard.Prefix, nil
	}
	ln, err := net.Listen("tcp", adminAddr)
	if err != nil {
		if explicit {
			return nil, "", fmt.Errorf("admin listener: %w (choose a free --admin-addr)", err)
		}
		fmt.Fprintf(stderr, "nems-harness: dashboard not started: %v (pass --admin-addr HOST:PORT)\n", err)
		return nil, "", nil
	}
	admin := mockspine.NewHTTPServer(dashboard.Admin(d, srv))
	admin.ErrorLog = slog.NewLogLogger(log.Handler(), slog.LevelWarn)
	admin.RegisterOnShutdown(d.Close)
	go func() {
		if err := admin.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("admin listener", "err", err)
		}
	}()
	return admin, "http://" + ln.Addr().String() + dashboard.Prefix + " (admin API under " + mockspine.AdminPrefix + "/)", nil
}
