package certs_test

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/fixtures"
	"github.com/nems-harness/nems-harness/internal/certs"
	"github.com/nems-harness/nems-harness/mockspine"
	"github.com/nems-harness/nems-harness/mockspine/world"
	"github.com/nems-harness/nems-harness/publish"
)

const (
	riverside     = "200000000115"
	riversideHost = "childhealth.riverside.example"
	hillside      = "200000000205"
	hillsideHost  = "gp.hillside.example"
)

var sender = publish.Sender{ASID: riverside, ODS: "RX3EP"}

func initPKI(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, certs.Init(dir))
	return dir
}

func issue(t *testing.T, dir, asid, fqdn string, opts certs.IssueOptions) (string, string) {
	t.Helper()
	c, k, subject, err := certs.Issue(dir, asid, fqdn, opts)
	require.NoError(t, err)
	assert.Equal(t, "CN="+fqdn, subject)
	return c, k
}

func assertMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	st, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, want, st.Mode().Perm(), "mode of %s", filepath.Base(path))
}

func pemBlocks(t *testing.T, path string) []*pem.Block {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var out []*pem.Block
	for {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			return out
		}
		out = append(out, blk)
	}
}

func TestInitWritesThePKI(t *testing.T) {
	dir := initPKI(t)
	for _, f := range []string{certs.SubCAKeyFile, certs.ServerKeyFile} {
		assertMode(t, filepath.Join(dir, f), 0o600)
		blocks := pemBlocks(t, filepath.Join(dir, f))
		require.Len(t, blocks, 1)
		assert.Equal(t, "PRIVATE KEY", blocks[0].Type, "PKCS#8")
		_, err := x509.ParsePKCS8PrivateKey(blocks[0].Bytes)
		require.NoError(t, err)
	}

	ca := pemBlocks(t, filepath.Join(dir, certs.CAFile))
	require.Len(t, ca, 2, "ca.pem holds the sub-CA and the root")
	sub, err := x509.ParseCertificate(ca[0].Bytes)
	require.NoError(t, err)
	root, err := x509.ParseCertificate(ca[1].Bytes)
	require.NoError(t, err)
	assert.True(t, root.IsCA)
	assert.True(t, sub.IsCA)
	assert.Equal(t, certs.RootCAName, root.Subject.CommonName)
	assert.Equal(t, certs.SubCAName, sub.Subject.CommonName)
	require.NoError(t, sub.CheckSignatureFrom(root))

	roots := x509.NewCertPool()
	roots.AddCert(root)
	inter := x509.NewCertPool()
	inter.AddCert(sub)
	srv, err := certs.LoadCertificate(filepath.Join(dir, certs.ServerCertFile))
	require.NoError(t, err)
	require.Len(t, pemBlocks(t, filepath.Join(dir, certs.ServerCertFile)), 2, "server.pem holds the leaf and the sub-CA")
	for _, host := range []string{"localhost", "127.0.0.1", "::1"} {
		_, err := srv.Verify(x509.VerifyOptions{DNSName: host, Roots: roots, Intermediates: inter})
		assert.NoError(t, err, host)
	}
}

func TestInitRefusesToOverwriteUnlessForced(t *testing.T) {
	dir := initPKI(t)
	before, err := os.ReadFile(filepath.Join(dir, certs.CAFile))
	require.NoError(t, err)

	err = certs.Init(dir)
	require.ErrorIs(t, err, certs.ErrExists)
	after, err := os.ReadFile(filepath.Join(dir, certs.CAFile))
	require.NoError(t, err)
	assert.Equal(t, before, after, "the CA is untouched")

	// A key left with a wide mode is still replaced by an owner-only one.
	require.NoError(t, os.Chmod(filepath.Join(dir, certs.SubCAKeyFile), 0o644))
	require.NoError(t, certs.Init(dir, certs.Force()))
	after, err = os.ReadFile(filepath.Join(dir, certs.CAFile))
	require.NoError(t, err)
	assert.NotEqual(t, before, after)
	assertMode(t, filepath.Join(dir, certs.SubCAKeyFile), 0o600)
}

func TestInitServerHosts(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, certs.Init(dir, certs.ServerHosts("mock.test.example", "10.1.2.3")))
	srv, err := certs.LoadCertificate(filepath.Join(dir, certs.ServerCertFile))
	require.NoError(t, err)
	assert.Contains(t, srv.DNSNames, "mock.test.example")
	assert.Contains(t, srv.DNSNames, "localhost")
	assert.True(t, srv.IPAddresses[len(srv.IPAddresses)-1].Equal(net.ParseIP("10.1.2.3")))

	require.Error(t, certs.Init(t.TempDir(), certs.ServerHosts("../evil")))
}

func TestIssue(t *testing.T) {
	dir := initPKI(t)
	certPath, keyPath := issue(t, dir, riverside, riversideHost, certs.IssueOptions{})
	assert.Equal(t, filepath.Join(dir, riversideHost+".pem"), certPath)
	assert.Equal(t, filepath.Join(dir, riversideHost+"-key.pem"), keyPath)
	assertMode(t, keyPath, 0o600)
	assert.Equal(t, "PRIVATE KEY", pemBlocks(t, keyPath)[0].Type)
	require.Len(t, pemBlocks(t, certPath), 2, "leaf and sub-CA")

	leaf, err := certs.LoadCertificate(certPath)
	require.NoError(t, err)
	assert.Equal(t, "CN="+riversideHost, leaf.Subject.String())
	assert.Equal(t, []string{riversideHost}, leaf.DNSNames)
	assert.Equal(t, []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, leaf.ExtKeyUsage)
	assert.False(t, leaf.IsCA)

	ca, err := os.ReadFile(filepath.Join(dir, certs.CAFile))
	require.NoError(t, err)
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(ca))
	_, err = leaf.Verify(x509.VerifyOptions{Roots: pool, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
	require.NoError(t, err)
	_, err = leaf.Verify(x509.VerifyOptions{Roots: pool, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
	require.Error(t, err, "an endpoint certificate is for client authentication only")

	nb := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	certPath, _ = issue(t, dir, riverside, riversideHost, certs.IssueOptions{NotBefore: nb, NotAfter: nb.Add(time.Hour)})
	leaf, err = certs.LoadCertificate(certPath)
	require.NoError(t, err)
	assert.True(t, leaf.NotBefore.Equal(nb))
	assert.True(t, leaf.NotAfter.Equal(nb.Add(time.Hour)))
}

func TestIssueRefuses(t *testing.T) {
	dir := initPKI(t)
	for _, c := range []struct{ name, asid, fqdn, want string }{
		{"path separator", riverside, "../escape.example", "path separators"},
		{"backslash", riverside, `a\b.example`, "path separators"},
		{"empty fqdn", riverside, "", "no host name"},
		{"wildcard", riverside, "*.example", "letters, digits and hyphens"},
		{"double dot", riverside, "a..example", "empty label"},
		{"empty ASID", "", riversideHost, "no ASID"},
		{"letters in ASID", "20000000011X", riversideHost, "digits only"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, _, err := certs.Issue(dir, c.asid, c.fqdn, certs.IssueOptions{})
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
	_, _, _, err := certs.Issue(t.TempDir(), riverside, riversideHost, certs.IssueOptions{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "certs init")

	now := time.Now()
	_, _, _, err = certs.Issue(dir, riverside, riversideHost, certs.IssueOptions{NotBefore: now, NotAfter: now.Add(-time.Hour)})
	require.Error(t, err)
}

// fixturesDir copies the embedded spine.json and pds.json into a folder.
func fixturesDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{world.SpineFile, world.PDSFile} {
		b, err := fs.ReadFile(fixtures.FS(), f)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), b, 0o644))
	}
	return dir
}

func TestRecordSubject(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, world.SpineFile)
	orig := `{
  "nems": {"asid": "999999999999", "name": "NEMS"},
  "comment": "unknown fields survive <&>",
  "endpoints": [
    {"asid": "200000000115", "odsCodes": ["RX3EP"], "interactions": [], "extra": {"b": 1, "a": [true, null]}},
    {"asid": "200000000205", "odsCodes": ["Y01234"], "interactions": [], "certificateSubject": "CN=gp.hillside.example"}
  ],
  "organisations": [],
  "deprecatedEvents": []
}
`
	require.NoError(t, os.WriteFile(path, []byte(orig), 0o640))
	require.NoError(t, certs.RecordSubject(dir, riverside, "CN=childhealth.riverside.example"))

	b, err := os.ReadFile(path)
	require.NoError(t, err)
	got := string(b)
	assert.Equal(t, `{
  "nems": {
    "asid": "999999999999",
    "name": "NEMS"
  },
  "comment": "unknown fields survive <&>",
  "endpoints": [
    {
      "asid": "200000000115",
      "odsCodes": [
        "RX3EP"
      ],
      "interactions": [],
      "extra": {
        "b": 1,
        "a": [
          true,
          null
        ]
      },
      "certificateSubject": "CN=childhealth.riverside.example"
    },
    {
      "asid": "200000000205",
      "odsCodes": [
        "Y01234"
      ],
      "interactions": [],
      "certificateSubject": "CN=gp.hillside.example"
    }
  ],
  "organisations": [],
  "deprecatedEvents": []
}
`, got)
	assertMode(t, path, 0o640)

	// Replacing keeps the member in place; recording again changes nothing.
	require.NoError(t, certs.RecordSubject(dir, hillside, "CN=new.hillside.example"))
	b, err = os.ReadFile(path)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"interactions": [],
      "certificateSubject": "CN=new.hillside.example"
    }`)
	require.NoError(t, certs.RecordSubject(dir, hillside, "CN=new.hillside.example"))
	b2, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, b, b2)

	err = certs.RecordSubject(dir, "200000000999", "CN=x.example")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no endpoint with ASID 200000000999")

	err = certs.RecordSubject(dir, hillside, "CN=childhealth.riverside.example")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "already registers CN=childhealth.riverside.example for ASID 200000000115")

	require.Error(t, certs.RecordSubject(t.TempDir(), riverside, "CN=x.example"), "no spine.json")
}

func TestRecordSubjectKeepsTheWorldLoadable(t *testing.T) {
	dir := fixturesDir(t)
	require.NoError(t, certs.RecordSubject(dir, "200000000999", "CN=fresh.system.example"))
	w, err := world.LoadDir(dir)
	require.NoError(t, err)
	ep, ok := w.EndpointByCertificateSubject("CN=fresh.system.example")
	require.True(t, ok)
	assert.Equal(t, "200000000999", ep.ASID)
	def, err := fixtures.Default()
	require.NoError(t, err)
	assert.Equal(t, len(def.Spine.Endpoints), len(w.Spine.Endpoints))
	assert.Equal(t, def.Spine.Organisations, w.Spine.Organisations)
	assert.Equal(t, def.NEMSASID(), w.NEMSASID())
}

// mock is the real mock server behind mutual TLS.
type mock struct {
	url    string
	server *mockspine.Server
	world  *world.World
}

func startTLS(t *testing.T, dir string, w *world.World) *mock {
	t.Helper()
	s, err := mockspine.NewServer(mockspine.Config{World: w})
	require.NoError(t, err)
	cfg, err := certs.ServerTLSConfig(dir)
	require.NoError(t, err)
	ts := httptest.NewUnstartedServer(s)
	s.ConfigureTLS(ts.Config, cfg)
	ts.TLS = ts.Config.TLSConfig
	ts.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are expected
	ts.StartTLS()
	t.Cleanup(ts.Close)
	return &mock{url: ts.URL, server: s, world: w}
}

func defaultWorld(t *testing.T) *world.World {
	t.Helper()
	w, err := fixtures.Default()
	require.NoError(t, err)
	return w
}

func client(t *testing.T, caFile, certFile, keyFile string) *http.Client {
	t.Helper()
	cfg, err := certs.ClientTLSConfig(caFile, certFile, keyFile)
	require.NoError(t, err)
	return &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}, Timeout: 10 * time.Second}
}

// publishRequest is a conforming publish of a vaccination by s.
func publishRequest(t *testing.T, m *mock, s publish.Sender) *http.Request {
	t.Helper()
	tok, err := publish.Token(s, "https://nems.example", time.Now())
	require.NoError(t, err)
	body, err := publish.Message("vaccinations-1", "new", "xml", nil)
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, m.url+mockspine.PublishPath, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header = publish.Headers(s, m.world.NEMSASID(), "vaccinations-1", tok, "")
	return req
}

type result struct {
	status int
	body   string
	err    error
}

func send(c *http.Client, req *http.Request) result {
	resp, err := c.Do(req)
	if err != nil {
		return result{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return result{status: resp.StatusCode, body: string(b), err: err}
}

// epCert is the EP-CERT verdict of the last request the mock journalled.
func epCert(t *testing.T, s *mockspine.Server) mockspine.Verdict {
	t.Helper()
	entries := s.Journal().List(0)
	require.NotEmpty(t, entries)
	for _, v := range entries[len(entries)-1].Verdicts {
		if v.Rule == "EP-CERT" {
			return v
		}
	}
	t.Fatal("no EP-CERT verdict in the journal entry")
	return mockspine.Verdict{}
}

// refused asserts that the handshake failed: the client got an error, and
// the mock journaled no request but the handshake, as an entry of its own:
// refused by EP-CERT's check (with the rule's failed verdict and the
// reason), or failed for another reason (reasonHas then describes it).
func refused(t *testing.T, m *mock, r result, byCert bool, reasonHas string) {
	t.Helper()
	require.Error(t, r.err, "the handshake should be refused, got HTTP %d", r.status)
	t.Logf("client error: %v", r.err)
	// A refusal is journaled before the client hears of it; another failure
	// when the connection closes, which may come just after.
	var entries []mockspine.Entry
	require.Eventually(t, func() bool { entries = m.server.Journal().List(0); return len(entries) > 0 },
		10*time.Second, 10*time.Millisecond, "the failed handshake is journaled")
	require.Len(t, entries, 1)
	e := entries[0]
	require.NotNil(t, e.Handshake, "a refused handshake never reaches the mock as a request")
	assert.Empty(t, e.Method)
	assert.NotEmpty(t, e.Remote)
	assert.Equal(t, byCert, e.Handshake.Refused)
	assert.Contains(t, e.Handshake.Reason, reasonHas)
	if byCert {
		require.Len(t, e.Verdicts, 1)
		assert.Equal(t, "EP-CERT", e.Verdicts[0].Rule)
		assert.Equal(t, mockspine.Fail, e.Verdicts[0].Outcome)
		assert.Contains(t, e.Verdicts[0].Reason, reasonHas)
	} else {
		assert.Empty(t, e.Verdicts)
	}
}

func TestMutualTLS(t *testing.T) {
	dir := initPKI(t)
	ca := filepath.Join(dir, certs.CAFile)
	goodCert, goodKey := issue(t, dir, riverside, riversideHost, certs.IssueOptions{})

	t.Run("good certificate, conforming publish: 202 and EP-CERT pass", func(t *testing.T) {
		m := startTLS(t, dir, defaultWorld(t))
		r := send(client(t, ca, goodCert, goodKey), publishRequest(t, m, sender))
		require.NoError(t, r.err)
		require.Equal(t, http.StatusAccepted, r.status, r.body)
		v := epCert(t, m.server)
		assert.Equal(t, mockspine.Pass, v.Outcome, v.Reason)
		assert.Contains(t, v.Reason, "CN="+riversideHost)
		e := m.server.Journal().List(0)[0]
		assert.True(t, e.TLS)
		assert.Len(t, e.ClientCertificates, 2, "leaf and sub-CA as presented")
	})

	t.Run("TLS 1.2 client: accepted; TLS 1.1: refused", func(t *testing.T) {
		m := startTLS(t, dir, defaultWorld(t))
		c := client(t, ca, goodCert, goodKey)
		c.Transport.(*http.Transport).TLSClientConfig.MaxVersion = tls.VersionTLS12
		r := send(c, publishRequest(t, m, sender))
		require.NoError(t, r.err)
		assert.Equal(t, http.StatusAccepted, r.status, r.body)

		m = startTLS(t, dir, defaultWorld(t))
		c = client(t, ca, goodCert, goodKey)
		c.Transport.(*http.Transport).TLSClientConfig.MinVersion = tls.VersionTLS10
		c.Transport.(*http.Transport).TLSClientConfig.MaxVersion = tls.VersionTLS11
		refused(t, m, send(c, publishRequest(t, m, sender)), false, "version")
	})

	t.Run("no certificate: handshake refused", func(t *testing.T) {
		m := startTLS(t, dir, defaultWorld(t))
		refused(t, m, send(client(t, ca, "", ""), publishRequest(t, m, sender)), true, "no client certificate")
	})

	t.Run("certificate from another CA: handshake refused", func(t *testing.T) {
		other := initPKI(t)
		c, k := issue(t, other, riverside, riversideHost, certs.IssueOptions{})
		m := startTLS(t, dir, defaultWorld(t))
		refused(t, m, send(client(t, ca, c, k), publishRequest(t, m, sender)), true, "does not chain to the Spine CA")
	})

	t.Run("expired certificate: handshake refused", func(t *testing.T) {
		exp := t.TempDir()
		require.NoError(t, certs.Init(exp))
		now := time.Now()
		c, k := issue(t, exp, riverside, riversideHost, certs.IssueOptions{NotBefore: now.Add(-48 * time.Hour), NotAfter: now.Add(-24 * time.Hour)})
		m := startTLS(t, exp, defaultWorld(t))
		refused(t, m, send(client(t, filepath.Join(exp, certs.CAFile), c, k), publishRequest(t, m, sender)), true, "expired at")
	})

	t.Run("not yet valid certificate: handshake refused", func(t *testing.T) {
		now := time.Now()
		c, k := issue(t, dir, riverside, "future.riverside.example",
			certs.IssueOptions{NotBefore: now.Add(24 * time.Hour), NotAfter: now.Add(48 * time.Hour)})
		m := startTLS(t, dir, defaultWorld(t))
		refused(t, m, send(client(t, ca, c, k), publishRequest(t, m, sender)), true, "is not valid until")
	})

	for _, form := range []string{"decimal", "hex"} {
		t.Run("revoked certificate ("+form+" serial): handshake refused", func(t *testing.T) {
			leaf, err := certs.LoadCertificate(goodCert)
			require.NoError(t, err)
			serial := leaf.SerialNumber.String()
			if form == "hex" {
				serial = fmt.Sprintf("0x%X", leaf.SerialNumber)
			}
			def := defaultWorld(t)
			spine := def.Spine
			spine.RevokedCertificates = []string{serial}
			w, err := world.New(spine, def.PDS)
			require.NoError(t, err)
			m := startTLS(t, dir, w)
			refused(t, m, send(client(t, ca, goodCert, goodKey), publishRequest(t, m, sender)), true, "is revoked")
		})
	}

	t.Run("certificate of another ASID: 403 ASID_CHECK_FAILED [EP-CERT]", func(t *testing.T) {
		c, k := issue(t, dir, hillside, hillsideHost, certs.IssueOptions{})
		m := startTLS(t, dir, defaultWorld(t))
		r := send(client(t, ca, c, k), publishRequest(t, m, sender))
		require.NoError(t, r.err)
		assert.Equal(t, http.StatusForbidden, r.status)
		assert.Contains(t, r.body, "ASID_CHECK_FAILED")
		assert.Contains(t, diagnostics(t, r.body), "[EP-CERT]")
		v := epCert(t, m.server)
		assert.Equal(t, mockspine.Fail, v.Outcome)
		assert.Contains(t, v.Reason, hillside)
	})

	t.Run("certificate registered for no endpoint: 403 [EP-CERT]", func(t *testing.T) {
		c, k := issue(t, dir, riverside, "unregistered.nowhere.example", certs.IssueOptions{})
		m := startTLS(t, dir, defaultWorld(t))
		r := send(client(t, ca, c, k), publishRequest(t, m, sender))
		require.NoError(t, r.err)
		assert.Equal(t, http.StatusForbidden, r.status)
		assert.Contains(t, r.body, "ASID_CHECK_FAILED")
		assert.Contains(t, diagnostics(t, r.body), "[EP-CERT]")
		assert.Contains(t, epCert(t, m.server).Reason, "registered for no endpoint")
	})
}

// diagnostics pulls the diagnostics values out of an XML OperationOutcome.
func diagnostics(t *testing.T, body string) string {
	t.Helper()
	var out []string
	for rest := body; ; {
		i := strings.Index(rest, "<diagnostics value=\"")
		if i < 0 {
			break
		}
		rest = rest[i+len("<diagnostics value=\""):]
		j := strings.IndexByte(rest, '"')
		require.GreaterOrEqual(t, j, 0)
		out = append(out, rest[:j])
		rest = rest[j:]
	}
	require.NotEmpty(t, out, "no diagnostics in %s", body)
	return strings.Join(out, "\n")
}

func TestPlainHTTPIsNotAssessed(t *testing.T) {
	w := defaultWorld(t)
	s, err := mockspine.NewServer(mockspine.Config{World: w})
	require.NoError(t, err)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	m := &mock{url: ts.URL, server: s, world: w}
	r := send(http.DefaultClient, publishRequest(t, m, sender))
	require.NoError(t, r.err)
	assert.Equal(t, http.StatusAccepted, r.status, r.body)
	v := epCert(t, s)
	assert.Equal(t, mockspine.NotAssessed, v.Outcome)
	assert.NotEqual(t, mockspine.Pass, v.Outcome)
}

func TestServerTLSConfig(t *testing.T) {
	dir := initPKI(t)
	cfg, err := certs.ServerTLSConfig(dir)
	require.NoError(t, err)
	assert.Equal(t, uint16(tls.VersionTLS12), cfg.MinVersion)
	assert.Len(t, cfg.Certificates, 1)
	assert.NotNil(t, cfg.ClientCAs)
	assert.Equal(t, tls.RequireAndVerifyClientCert, cfg.ClientAuth)

	_, err = certs.ServerTLSConfig(t.TempDir())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "certs init")

	_, err = certs.ClientTLSConfig(filepath.Join(dir, certs.CAFile), "only-a-cert.pem", "")
	require.Error(t, err)
	_, err = certs.ClientTLSConfig("", "", "")
	require.Error(t, err)
}

// The journal keeps the presented certificates as PEM, so EP-CERT can be
// judged again from the journal.
func TestJournalKeepsCertificates(t *testing.T) {
	dir := initPKI(t)
	c, k := issue(t, dir, riverside, riversideHost, certs.IssueOptions{})
	m := startTLS(t, dir, defaultWorld(t))
	r := send(client(t, filepath.Join(dir, certs.CAFile), c, k), publishRequest(t, m, sender))
	require.NoError(t, r.err)
	e := m.server.Journal().List(0)[0]
	req, err := e.Request()
	require.NoError(t, err)
	require.NotEmpty(t, req.PeerCertificates)
	assert.Equal(t, "CN="+riversideHost, req.PeerCertificates[0].Subject.String())
	b, err := json.Marshal(e)
	require.NoError(t, err)
	assert.Contains(t, string(b), "BEGIN CERTIFICATE")
}

// TestHandshakesFailingOnTheClientSide: a client that does not trust the
// mock's CA, or speaks plain HTTP to it, leaves a handshake entry saying so
// (no EP-CERT verdict: its certificate was never judged); a client that
// connects and hangs up without a word leaves nothing. The admin API lists
// handshake entries with the requests.
func TestHandshakesFailingOnTheClientSide(t *testing.T) {
	dir := initPKI(t)
	goodCert, goodKey := issue(t, dir, riverside, riversideHost, certs.IssueOptions{})
	other := initPKI(t)

	t.Run("client does not trust the mock's CA", func(t *testing.T) {
		m := startTLS(t, dir, defaultWorld(t))
		r := send(client(t, filepath.Join(other, certs.CAFile), goodCert, goodKey), publishRequest(t, m, sender))
		refused(t, m, r, false, "remote error")
	})

	t.Run("plain HTTP to the HTTPS endpoint", func(t *testing.T) {
		m := startTLS(t, dir, defaultWorld(t))
		req := publishRequest(t, m, sender)
		req.URL.Scheme = "http"
		r := send(http.DefaultClient, req)
		if r.err == nil { // net/http may answer a plain request itself
			r.err = fmt.Errorf("HTTP %d: %s", r.status, r.body)
		}
		refused(t, m, r, false, "did not speak TLS")
	})

	t.Run("silent probe", func(t *testing.T) {
		m := startTLS(t, dir, defaultWorld(t))
		conn, err := net.Dial("tcp", strings.TrimPrefix(m.url, "https://"))
		require.NoError(t, err)
		require.NoError(t, conn.Close())
		// Then a request, so that the probe's closing has surely been seen.
		r := send(client(t, filepath.Join(dir, certs.CAFile), goodCert, goodKey), publishRequest(t, m, sender))
		require.NoError(t, r.err)
		require.Eventually(t, func() bool { return len(m.server.Journal().List(0)) > 0 }, 10*time.Second, 10*time.Millisecond)
		for _, e := range m.server.Journal().List(0) {
			assert.Nil(t, e.Handshake, "a probe that says nothing is not journaled")
		}
	})

	t.Run("admin API lists handshake entries", func(t *testing.T) {
		m := startTLS(t, dir, defaultWorld(t))
		refused(t, m, send(client(t, filepath.Join(dir, certs.CAFile), "", ""), publishRequest(t, m, sender)), true, "no client certificate")
		rec := httptest.NewRecorder()
		m.server.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, mockspine.AdminPrefix+"/requests", nil))
		require.Equal(t, http.StatusOK, rec.Code)
		var listed []mockspine.Entry
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &listed))
		require.Len(t, listed, 1)
		require.NotNil(t, listed[0].Handshake)
		assert.True(t, listed[0].Handshake.Refused)
		assert.Equal(t, "EP-CERT", listed[0].Verdicts[0].Rule)
	})
}
