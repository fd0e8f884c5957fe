package conformance

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/fixtures"
	"github.com/nems-harness/nems-harness/internal/certs"
	"github.com/nems-harness/nems-harness/mockspine"
)

// freePort is a loopback address nothing listens on.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// TestPreflightTellsProblemsApart: each way a target cannot be tested is
// found before any scenario runs, named, and leaves no report behind.
func TestPreflightTellsProblemsApart(t *testing.T) {
	w, err := fixtures.Default()
	require.NoError(t, err)
	pki, err := certs.NewPKI(filepath.Join(t.TempDir(), "pki"), w)
	require.NoError(t, err)

	plain := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(plain.Close)
	tlsSrv := httptest.NewUnstartedServer(http.NotFoundHandler())
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0)
	tlsSrv.StartTLS()
	t.Cleanup(tlsSrv.Close)

	srv, err := mockspine.NewServer(mockspine.Config{World: w})
	require.NoError(t, err)
	mtls := httptest.NewUnstartedServer(srv)
	srv.ConfigureTLS(mtls.Config, pki.Server)
	mtls.TLS = mtls.Config.TLSConfig
	mtls.Config.ErrorLog = log.New(io.Discard, "", 0)
	mtls.StartTLS()
	t.Cleanup(mtls.Close)

	tests := []struct {
		name   string
		target string
		opts   Options
		want   TargetProblem
	}{
		{"no scheme", "not-a-url", Options{}, NotAURL},
		{"another scheme", "ftp://127.0.0.1:21", Options{}, NotAURL},
		{"no host", "http://", Options{}, NotAURL},
		{"a query", plain.URL + "?x=1", Options{}, NotAURL},
		{"nothing listens", "http://" + freePort(t), Options{}, Refused},
		{"no such host", "http://nems.invalid:4854", Options{}, Unreachable},
		{"http to a TLS endpoint", "http://" + tlsSrv.Listener.Addr().String(), Options{}, TLSMismatch},
		{"https to a plain endpoint", "https://" + plain.Listener.Addr().String(), Options{}, TLSMismatch},
		{"a server certificate not trusted", tlsSrv.URL, Options{}, CertificateRefused},
		{"no client certificate for a mutual TLS endpoint", mtls.URL, Options{Client: pki.Plain}, CertificateRefused},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			o := tt.opts
			o.Target, o.World, o.OutDir = tt.target, w, out
			_, err := Run(context.Background(), o)
			var te *TargetError
			require.True(t, errors.As(err, &te), "want a TargetError, got %v", err)
			assert.Equal(t, tt.want, te.Problem, te.Error())
			assert.NotContains(t, te.Error(), "\n", "one line")
			_, statErr := os.Stat(out)
			assert.True(t, os.IsNotExist(statErr), "no report is written")
		})
	}
}

// TestPreflightLetsAnyAnswerThrough: a target that answers HTTP, however
// unlike NEMS, is for the scenarios to judge.
func TestPreflightLetsAnyAnswerThrough(t *testing.T) {
	odd := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusTeapot)
		_, _ = io.WriteString(w, "not NEMS")
	}))
	t.Cleanup(odd.Close)
	assert.NoError(t, Probe(context.Background(), odd.URL+"/", nil))
	res, err := Run(context.Background(), Options{Target: odd.URL, Tags: "@JWT-SCOPE && @violation", OutDir: t.TempDir()})
	require.NoError(t, err)
	assert.Equal(t, 1, res.Status, "the scenarios ran and failed")
}
