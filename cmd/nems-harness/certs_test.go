package main

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/fixtures"
	"github.com/nems-harness/nems-harness/internal/certs"
	"github.com/nems-harness/nems-harness/mockspine/world"
	"github.com/nems-harness/nems-harness/publish"
)

// certsCmd runs the CLI and returns exit status, stdout and stderr.
func certsCmd(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func certsFixtures(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{world.SpineFile, world.PDSFile} {
		b, err := fs.ReadFile(fixtures.FS(), f)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), b, 0o644))
	}
	return dir
}

func certsMode(t *testing.T, path string) os.FileMode {
	t.Helper()
	st, err := os.Stat(path)
	require.NoError(t, err)
	return st.Mode().Perm()
}

func TestCertsInit(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "certs")
	code, out, errs := certsCmd("certs", "init", "--dir", dir)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "ca.pem")
	for _, f := range []string{certs.CAFile, certs.ServerCertFile, certs.SubCAFile} {
		assert.FileExists(t, filepath.Join(dir, f))
	}
	assert.Equal(t, os.FileMode(0o600), certsMode(t, filepath.Join(dir, certs.SubCAKeyFile)))
	assert.Equal(t, os.FileMode(0o600), certsMode(t, filepath.Join(dir, certs.ServerKeyFile)))

	code, _, errs = certsCmd("certs", "init", "--dir", dir)
	assert.Equal(t, 1, code)
	assert.Equal(t, 1, strings.Count(errs, "\n"), "one line: %q", errs)
	assert.Contains(t, errs, "--force")

	code, _, errs = certsCmd("certs", "init", "--dir", dir, "--force", "--host", "mock.internal.example")
	require.Equal(t, 0, code, errs)
	srv, err := certs.LoadCertificate(filepath.Join(dir, certs.ServerCertFile))
	require.NoError(t, err)
	assert.Contains(t, srv.DNSNames, "mock.internal.example")
}

func TestCertsIssuePrintsTheLine(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, certs.Init(dir))
	code, out, errs := certsCmd("certs", "issue", "--dir", dir, "--asid", "200000000115", "--fqdn", "childhealth.riverside.example")
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, `"certificateSubject": "CN=childhealth.riverside.example"`)
	assert.Contains(t, out, "endpoint 200000000115")
	assert.Contains(t, out, "already register", "the embedded fixtures have this subject")
	key := filepath.Join(dir, "childhealth.riverside.example-key.pem")
	assert.Equal(t, os.FileMode(0o600), certsMode(t, key))

	code, _, errs = certsCmd("certs", "issue", "--dir", dir, "--asid", "200000000115", "--fqdn", "short.example", "--days", "2")
	require.Equal(t, 0, code, errs)
	leaf, err := certs.LoadCertificate(filepath.Join(dir, "short.example.pem"))
	require.NoError(t, err)
	assert.WithinDuration(t, time.Now().Add(48*time.Hour), leaf.NotAfter, 10*time.Minute)
}

func TestCertsIssueRecordsTheSubject(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, certs.Init(dir))
	fix := certsFixtures(t)
	code, out, errs := certsCmd("certs", "issue", "--dir", dir, "--asid", "200000000999",
		"--fqdn", "renewed.system.example", "--fixtures", fix)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "recorded")
	w, err := world.LoadDir(fix)
	require.NoError(t, err)
	ep, ok := w.EndpointByCertificateSubject("CN=renewed.system.example")
	require.True(t, ok)
	assert.Equal(t, "200000000999", ep.ASID)
	b, err := os.ReadFile(filepath.Join(fix, world.SpineFile))
	require.NoError(t, err)
	assert.Contains(t, string(b), "\n  \"endpoints\": [\n    {\n      \"asid\"", "2-space indentation")
}

func TestCertsErrors(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, certs.Init(dir))
	fix := certsFixtures(t)
	for _, c := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no subcommand", []string{"certs"}, 2, "Usage"},
		{"unknown subcommand", []string{"certs", "renew"}, 2, `unknown subcommand "renew"`},
		{"init without dir", []string{"certs", "init"}, 2, "--dir is required"},
		{"issue without asid", []string{"certs", "issue", "--dir", dir, "--fqdn", "a.example"}, 2, "--asid is required"},
		{"issue without fqdn", []string{"certs", "issue", "--dir", dir, "--asid", "200000000115"}, 2, "--fqdn is required"},
		{"bad ASID", []string{"certs", "issue", "--dir", dir, "--asid", "ASID1", "--fqdn", "a.example"}, 1, "digits only"},
		{"path in fqdn", []string{"certs", "issue", "--dir", dir, "--asid", "200000000115", "--fqdn", "../a.example"}, 1, "path separators"},
		{"bad days", []string{"certs", "issue", "--dir", dir, "--asid", "200000000115", "--fqdn", "a.example", "--days", "0"}, 2, "--days"},
		{"no CA", []string{"certs", "issue", "--dir", t.TempDir(), "--asid", "200000000115", "--fqdn", "a.example"}, 1, "certs init"},
		{"ASID not in fixtures", []string{"certs", "issue", "--dir", dir, "--asid", "123456789012", "--fqdn", "stray.example", "--fixtures", fix}, 1, "no endpoint with ASID 123456789012"},
		{"subject taken", []string{"certs", "issue", "--dir", dir, "--asid", "200000000115", "--fqdn", "gp.hillside.example", "--fixtures", fix}, 1, "already registers CN=gp.hillside.example for ASID 200000000205"},
		{"serve without PKI", []string{"serve", "--tls-dir", t.TempDir(), "--addr", "127.0.0.1:0"}, 1, "certs init"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, errs := certsCmd(c.args...)
			assert.Equal(t, c.code, code, errs)
			assert.Contains(t, errs, c.want)
			if c.code == 1 {
				assert.Equal(t, 1, strings.Count(errs, "\n"), "one line: %q", errs)
			}
		})
	}
	assert.NoFileExists(t, filepath.Join(dir, "stray.example.pem"), "a refused issue writes nothing")
}

// certsBuffer is a stdout that a running server writes while the test reads.
type certsBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *certsBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *certsBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

var certsListening = regexp.MustCompile(`listening on (https?://\S+)`)

// certsServe runs `serve` until the test ends and returns the publish URL.
func certsServe(t *testing.T, args ...string) string {
	t.Helper()
	return certsServeArgs(t, append([]string{"--addr", "127.0.0.1:0", "--quiet"}, args...)...)
}

// certsServeArgs runs serve with exactly args until the test ends and
// returns the URL it announces.
func certsServeArgs(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr certsBuffer
	done := make(chan int, 1)
	go func() {
		done <- serveUntil(ctx, args, &stdout, &stderr)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			assert.Equal(t, 0, code, stderr.String())
			assert.Contains(t, stdout.String(), "stopped")
		case <-time.After(15 * time.Second):
			t.Error("serve did not stop")
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m := certsListening.FindStringSubmatch(stdout.String()); m != nil {
			return m[1]
		}
		select {
		case code := <-done:
			t.Fatalf("serve exited with %d: %s", code, stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("serve did not start: %s", stderr.String())
	return ""
}

// certsPKI makes a CA and the endpoint certificates the default fixtures
// register for 200000000115 and 200000000205.
func certsPKI(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	code, _, errs := certsCmd("certs", "init", "--dir", dir)
	require.Equal(t, 0, code, errs)
	for _, e := range [][2]string{{"200000000115", "childhealth.riverside.example"}, {"200000000205", "gp.hillside.example"}} {
		code, _, errs := certsCmd("certs", "issue", "--dir", dir, "--asid", e[0], "--fqdn", e[1])
		require.Equal(t, 0, code, errs)
	}
	return dir
}

// certsPublish is a conforming publish of a vaccination by 200000000115:
// the headers, with the JWT from the jwt command, and the body.
func certsPublish(t *testing.T) (http.Header, []byte) {
	t.Helper()
	code, jwt, errs := certsCmd("jwt", "--asid", "200000000115", "--ods", "RX3EP")
	require.Equal(t, 0, code, errs)
	w, err := fixtures.Default()
	require.NoError(t, err)
	h := publish.Headers(publish.Sender{ASID: "200000000115", ODS: "RX3EP"}, w.NEMSASID(), "vaccinations-1",
		strings.TrimSpace(jwt), "application/fhir+xml")
	body, err := publish.Message("vaccinations-1", "new", "xml", nil)
	require.NoError(t, err)
	return h, body
}

func TestServeTLS(t *testing.T) {
	dir := certsPKI(t)
	url := certsServe(t, "--tls-dir", dir)
	require.True(t, strings.HasPrefix(url, "https://127.0.0.1:"), url)
	h, body := certsPublish(t)
	ca := filepath.Join(dir, certs.CAFile)

	post := func(certFile, keyFile string) (*http.Response, error) {
		cfg, err := certs.ClientTLSConfig(ca, certFile, keyFile)
		require.NoError(t, err)
		c := &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}, Timeout: 10 * time.Second}
		req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		require.NoError(t, err)
		req.Header = h.Clone()
		return c.Do(req)
	}

	resp, err := post(filepath.Join(dir, "childhealth.riverside.example.pem"), filepath.Join(dir, "childhealth.riverside.example-key.pem"))
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusAccepted, resp.StatusCode, string(b))

	resp, err = post(filepath.Join(dir, "gp.hillside.example.pem"), filepath.Join(dir, "gp.hillside.example-key.pem"))
	require.NoError(t, err)
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Contains(t, string(b), "[EP-CERT]")

	_, err = post("", "")
	require.Error(t, err, "no client certificate: the handshake is refused")
}

func TestServeTLSWithCurl(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl is not on PATH")
	}
	dir := certsPKI(t)
	url := certsServe(t, "--tls-dir", dir)
	h, body := certsPublish(t)
	bodyFile := filepath.Join(t.TempDir(), "vaccinations-1-new.xml")
	require.NoError(t, os.WriteFile(bodyFile, body, 0o644))

	curlArgs := func(extra ...string) []string {
		args := []string{"-sS", "-o", os.DevNull, "-w", "%{http_code}", "--max-time", "20",
			"--cacert", filepath.Join(dir, certs.CAFile)}
		args = append(args, extra...)
		for name, vs := range h {
			for _, v := range vs {
				args = append(args, "-H", name+": "+v)
			}
		}
		return append(args, "--data-binary", "@"+bodyFile, url)
	}
	cert := func(fqdn string) []string {
		return []string{"--cert", filepath.Join(dir, fqdn+".pem"), "--key", filepath.Join(dir, fqdn+"-key.pem")}
	}

	out, err := exec.Command(curl, curlArgs(cert("childhealth.riverside.example")...)...).CombinedOutput()
	require.NoError(t, err, string(out))
	assert.Equal(t, "202", string(out))

	out, err = exec.Command(curl, curlArgs(cert("gp.hillside.example")...)...).CombinedOutput()
	require.NoError(t, err, string(out))
	assert.Equal(t, "403", string(out), "a certificate of another ASID")

	cmd := exec.Command(curl, curlArgs()...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err = cmd.Output()
	require.Error(t, err, "without --cert curl must fail, got HTTP %s", out)
	t.Logf("curl without a certificate: %v: %s", err, strings.TrimSpace(stderr.String()))
	assert.Equal(t, "000", string(out), "no HTTP answer")
}
