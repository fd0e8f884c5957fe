package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	neturl "net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/nems-harness/nems-harness/internal/certs"
)

func init() {
	commands["health"] = command{"check that a running mock answers /_harness/health (a container's health check)", runHealth}
}

// healthPath is the mock's liveness answer on the admin API.
const healthPath = "/_harness/health"

// runHealth asks a running serve for its health: exit 0 when it answers 200
// with status ok, 1 otherwise. It reads the same --addr and --tls-dir
// (NEMS_HARNESS_ADDR, NEMS_HARNESS_TLS_DIR) as serve, so a container's
// health check needs no arguments; an address on every interface
// (0.0.0.0, ::) is asked on loopback.
func runHealth(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("health", stdout, stderr, withEnv)
	var addr string
	fs.addrVar(&addr, "addr", "127.0.0.1:4854", "the address serve listens on")
	tlsDir := fs.String("tls-dir", "", "the folder serve --tls-dir uses: ask over HTTPS, trusting its ca.pem and presenting an endpoint certificate from it (certs issue)")
	url := fs.String("url", "", "ask this URL instead of the one --addr and --tls-dir make (it wins over --addr)")
	timeout := fs.Duration("timeout", 5*time.Second, "give up after this long")
	if code, ok := fs.parse(args); !ok {
		return code
	}
	if *timeout <= 0 {
		return fs.usageError(fmt.Sprintf("%s must be more than 0", fs.source("timeout")))
	}
	target := *url
	if target == "" {
		target = healthURL(addr, *tlsDir != "")
	}
	client := &http.Client{Timeout: *timeout}
	if *tlsDir != "" {
		cert, key, err := endpointCertificate(*tlsDir)
		if err != nil {
			return fail(stderr, "health", err)
		}
		cfg, err := certs.ClientTLSConfig(filepath.Join(*tlsDir, certs.CAFile), cert, key)
		if err != nil {
			return fail(stderr, "health", err)
		}
		client.Transport = &http.Transport{TLSClientConfig: cfg}
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	line, err := checkHealth(ctx, client, target)
	if err != nil {
		return fail(stderr, "health", err)
	}
	fmt.Fprintln(stdout, "nems-harness health:", line)
	return 0
}

// healthURL is the health URL of a mock listening on addr; a wildcard or
// empty host is asked on loopback.
func healthURL(addr string, https bool) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		host, port = addr, "4854"
	}
	switch host {
	case "", "0.0.0.0", "::", "[::]":
		host = "127.0.0.1"
	}
	scheme := "http"
	if https {
		scheme = "https"
	}
	return scheme + "://" + net.JoinHostPort(host, port) + healthPath
}

// checkHealth asks url and sums up a healthy answer in one line.
func checkHealth(ctx context.Context, client *http.Client, url string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", fmt.Errorf("%s is not a URL: %w", url, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		var ue *neturl.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return "", fmt.Errorf("no answer from %s: %w", url, err)
	}
	defer resp.Body.Close()
	var h struct {
		Status   string `json:"status"`
		Profile  string `json:"profile"`
		Requests uint64 `json:"requests"`
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s answered HTTP %d", url, resp.StatusCode)
	}
	if err := json.Unmarshal(body, &h); err != nil || h.Status != "ok" {
		return "", fmt.Errorf("%s answered 200 but not the mock's health (status ok): %.80q", url, body)
	}
	return fmt.Sprintf("ok: %s (profile %s, %d request(s) so far)", url, h.Profile, h.Requests), nil
}

// endpointCertificate finds an endpoint certificate and key in a folder
// made by certs init and certs issue (<fqdn>.pem and <fqdn>-key.pem): the
// mock accepts only clients that present one.
func endpointCertificate(dir string) (cert, key string, err error) {
	keys, err := filepath.Glob(filepath.Join(dir, "*-key.pem"))
	if err != nil {
		return "", "", err
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch filepath.Base(k) {
		case certs.ServerKeyFile, certs.SubCAKeyFile, "ca-key.pem":
			continue
		}
		c := strings.TrimSuffix(k, "-key.pem") + ".pem"
		if _, err := os.Stat(c); err == nil {
			return c, k, nil
		}
	}
	return "", "", errors.New("no endpoint certificate in " + dir + " to present over mutual TLS: run nems-harness certs issue --dir " + dir + " --asid ASID --fqdn NAME")
}
