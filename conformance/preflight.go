package conformance

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/nems-harness/nems-harness/mockspine"
)

// TargetProblem names what is wrong with a target that the pre-flight
// probe could not talk HTTP to.
type TargetProblem string

// The problems the probe tells apart.
const (
	// NotAURL: the target is not an http:// or https:// URL with a host.
	NotAURL TargetProblem = "not a URL"
	// Unreachable: the host name does not resolve, or no answer came in
	// time (no route, a firewall dropping packets).
	Unreachable TargetProblem = "unreachable"
	// Refused: the host answered, but nothing listens on the port.
	Refused TargetProblem = "refused"
	// TLSMismatch: http:// to a TLS endpoint, or https:// to a plain one.
	TLSMismatch TargetProblem = "TLS mismatch"
	// CertificateRefused: the TLS handshake failed over a certificate: the
	// target refused the client's (or that there was none), or the client
	// does not trust the target's.
	CertificateRefused TargetProblem = "certificate refused"
)

// TargetError is the pre-flight's finding: the target cannot be tested, so
// no scenario ran.
type TargetError struct {
	Target  string
	Problem TargetProblem
	// Detail says what happened and what to do, in one line.
	Detail string
	Err    error
}

func (e *TargetError) Error() string {
	return fmt.Sprintf("target %s: %s: %s", e.Target, e.Problem, e.Detail)
}

func (e *TargetError) Unwrap() error { return e.Err }

// probeTimeout bounds the pre-flight probe.
const probeTimeout = 5 * time.Second

// ParseTarget checks that a target is an http:// or https:// URL with a
// host and no query, and returns it without a trailing slash.
func ParseTarget(target string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(target))
	bad := func(why string) error {
		return &TargetError{Target: target, Problem: NotAURL, Err: err,
			Detail: why + "; write the endpoint's base URL, e.g. http://127.0.0.1:4854 or https://nems.example:443"}
	}
	switch {
	case err != nil:
		return "", bad("it cannot be read as a URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return "", bad("it does not start with http:// or https://")
	case u.Host == "" || u.Hostname() == "":
		return "", bad("it names no host")
	case u.RawQuery != "" || u.Fragment != "":
		return "", bad("a base URL has no query or fragment")
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// Probe sends one request (GET of the publish path) to the target and
// classifies a failure to get any HTTP answer. Any answer at all, whatever
// its status, passes: a target that answers but is not NEMS-like is for
// the scenarios to judge.
func Probe(ctx context.Context, target string, client *http.Client) error {
	base, err := ParseTarget(target)
	if err != nil {
		return err
	}
	if client == nil {
		client = &http.Client{}
	}
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+mockspine.PublishPath, nil)
	if err != nil {
		return &TargetError{Target: target, Problem: NotAURL, Detail: err.Error(), Err: err}
	}
	req.Header.Set("User-Agent", "nems-harness pre-flight")
	resp, err := client.Do(req)
	if err != nil {
		return classify(target, strings.HasPrefix(base, "https://"), err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	// Go's (and others') TLS servers answer a plain HTTP request so.
	if resp.StatusCode == http.StatusBadRequest && strings.Contains(string(body), "HTTP request to an HTTPS server") {
		return &TargetError{Target: target, Problem: TLSMismatch,
			Detail: "the endpoint speaks TLS but the URL says http://; use https:// (and --tls-dir for its endpoint certificates)"}
	}
	return nil
}

// classify turns a transport error into a TargetError.
func classify(target string, https bool, err error) error {
	te := &TargetError{Target: target, Err: err}
	var (
		dns     *net.DNSError
		record  tls.RecordHeaderError
		unknown x509.UnknownAuthorityError
		host    x509.HostnameError
		invalid x509.CertificateInvalidError
		verify  *tls.CertificateVerificationError
		netErr  net.Error
	)
	msg := err.Error()
	switch {
	case errors.As(err, &dns):
		te.Problem, te.Detail = Unreachable, fmt.Sprintf("the host name %s does not resolve", dns.Name)
	case errors.Is(err, syscall.ECONNREFUSED):
		te.Problem, te.Detail = Refused, "the connection was refused: nothing listens there (is the endpoint started, on that port?)"
	case errors.As(err, &record), strings.Contains(msg, "server gave HTTP response to HTTPS client"):
		// net/http reports an HTTP answer to a TLS hello only as text.
		te.Problem, te.Detail = TLSMismatch, "the URL says https:// but the endpoint does not speak TLS; use http://"
	case errors.As(err, &verify), errors.As(err, &unknown), errors.As(err, &host), errors.As(err, &invalid):
		te.Problem, te.Detail = CertificateRefused, "the endpoint's server certificate is not trusted: "+lastPart(msg)+
			" (--tls-dir names the folder whose ca.pem issued it)"
	case strings.Contains(msg, "remote error: tls:"):
		// The server's TLS alert reaches Go's client only as text.
		te.Problem, te.Detail = CertificateRefused, "the endpoint refused the TLS handshake ("+lastPart(msg)+
			"): it wants an endpoint certificate it trusts; --tls-dir names the folder holding them"
	case https && (errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET)):
		te.Problem, te.Detail = CertificateRefused, "the endpoint closed the connection during the TLS handshake: it wants an endpoint certificate it trusts; --tls-dir names the folder holding them"
	case !https && (errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) || strings.Contains(msg, "malformed HTTP response")):
		te.Problem, te.Detail = TLSMismatch, "the endpoint did not answer in HTTP (does it speak TLS? then use https://)"
	case errors.As(err, &netErr) && netErr.Timeout():
		te.Problem, te.Detail = Unreachable, fmt.Sprintf("no answer within %s (is the host up, the port open?)", probeTimeout)
	default:
		te.Problem, te.Detail = Unreachable, lastPart(msg)
	}
	return te
}

// lastPart is the innermost part of a wrapped error's text.
func lastPart(msg string) string {
	if i := strings.LastIndex(msg, ": "); i >= 0 && i+2 < len(msg) {
		return msg[i+2:]
	}
	return msg
}
