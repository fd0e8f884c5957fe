package main

import (
	"bytes"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/fixtures"
	"github.com/nems-harness/nems-harness/internal/certs"
)

func hostPort(t *testing.T, base string) string {
	t.Helper()
	u, err := url.Parse(base)
	require.NoError(t, err)
	return u.Host
}

func TestHealth(t *testing.T) {
	plain := startServe(t)
	w, err := fixtures.Default()
	require.NoError(t, err)
	pki := filepath.Join(t.TempDir(), "pki")
	_, err = certs.NewPKI(pki, w)
	require.NoError(t, err)
	secure := startServe(t, "--tls-dir", pki)
	onlyCA := t.TempDir()
	require.NoError(t, certs.Init(onlyCA))

	notMock := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("hello")) }))
	defer notMock.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := ln.Addr().String()
	require.NoError(t, ln.Close())

	_, port, _ := net.SplitHostPort(hostPort(t, plain))
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		code int
		out  string
	}{
		{"plain", []string{"--addr", hostPort(t, plain)}, nil, 0, "ok: http://"},
		{"every interface is asked on loopback", []string{"--addr", "0.0.0.0:" + port}, nil, 0, "ok: http://127.0.0.1:" + port},
		{"from the environment, as in a container", nil, map[string]string{"NEMS_HARNESS_ADDR": "0.0.0.0:" + port}, 0, "ok:"},
		{"url wins", []string{"--url", plain + "/_harness/health"}, map[string]string{"NEMS_HARNESS_ADDR": closed}, 0, "ok:"},
		{"mutual TLS", []string{"--addr", hostPort(t, secure), "--tls-dir", pki}, nil, 0, "ok: https://"},
		{"TLS folder without an endpoint certificate", []string{"--addr", hostPort(t, secure), "--tls-dir", onlyCA}, nil, 1, "certs issue"},
		{"http against https", []string{"--addr", hostPort(t, secure)}, nil, 1, "HTTP 400"},
		{"nothing listens", []string{"--addr", closed}, nil, 1, "no answer"},
		{"not the mock", []string{"--url", notMock.URL + "/_harness/health"}, nil, 1, "not the mock's health"},
		{"bad timeout", []string{"--timeout", "0s"}, nil, 2, "more than 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			var stdout, stderr bytes.Buffer
			code := run(append([]string{"health", "--timeout", "5s"}, tc.args...), &stdout, &stderr)
			assert.Equal(t, tc.code, code, "stdout %s\nstderr %s", stdout.String(), stderr.String())
			assert.Contains(t, stdout.String()+stderr.String(), tc.out)
			if code != 0 {
				assert.Equal(t, 1, bytes.Count(stderr.Bytes(), []byte("\n")), "one line: %s", stderr.String())
			}
		})
	}
}
