package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
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
	"github.com/nems-harness/nems-harness/reports"
)

// cukeFeature is the part of godog's cucumber JSON the tests read.
type cukeFeature struct {
	URI      string `json:"uri"`
	Elements []struct {
		Name  string                  `json:"name"`
		Tags  []struct{ Name string } `json:"tags"`
		Steps []struct {
			Name   string `json:"name"`
			Result struct {
				Status string `json:"status"`
				Error  string `json:"error_message"`
			} `json:"result"`
			Embeddings []struct {
				Name     string `json:"name"`
				MimeType string `json:"mime_type"`
				Data     []byte `json:"data"`
			} `json:"embeddings"`
		} `json:"steps"`
	} `json:"elements"`
}

func readCucumber(t *testing.T, path string) []cukeFeature {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var feats []cukeFeature
	require.NoError(t, json.Unmarshal(b, &feats))
	return feats
}

func hasTag(tags []struct{ Name string }, name string) bool {
	for _, t := range tags {
		if t.Name == name {
			return true
		}
	}
	return false
}

// TestConformanceSuite runs every scenario of each profile against the
// embedded mock over plain HTTP: all pass, and the endpoint certificate
// scenarios, which need mutual TLS, are left out (EP-CERT not assessed).
func TestConformanceSuite(t *testing.T) {
	for _, p := range mockspine.Profiles() {
		t.Run(string(p), func(t *testing.T) {
			dir := t.TempDir()
			start := time.Now()
			res, err := Run(context.Background(), Options{Profile: p, Plain: true, OutDir: dir, TestingT: t})
			require.NoError(t, err)
			t.Logf("profile %s: whole suite in %s", p, time.Since(start).Round(time.Millisecond))
			assert.Equal(t, 0, res.Status, "godog status")
			assert.True(t, strings.HasPrefix(res.Target, "http://127.0.0.1:"), res.Target)
			assert.Equal(t, filepath.Join(dir, CucumberFile), res.CucumberJSON)
			assert.FileExists(t, res.JUnitXML)

			scenarios, evidence := 0, 0
			for _, f := range readCucumber(t, res.CucumberJSON) {
				for _, e := range f.Elements {
					scenarios++
					assert.False(t, hasTag(e.Tags, "@wip"), "a @wip scenario ran: %s", e.Name)
					for _, other := range mockspine.Profiles() {
						if other != p {
							assert.False(t, hasTag(e.Tags, ProfileTag(other)), "%s ran in profile %s", e.Name, p)
						}
					}
					assert.False(t, hasTag(e.Tags, "@EP-CERT"), "an endpoint certificate scenario ran over plain HTTP: %s", e.Name)
					for _, s := range e.Steps {
						switch {
						case s.Result.Status == "passed":
						default:
							t.Errorf("%s: %s / %s: %s %s", f.URI, e.Name, s.Name, s.Result.Status, s.Result.Error)
						}
						names := map[string]bool{}
						for _, em := range s.Embeddings {
							names[em.Name] = true
							assert.Equal(t, "text/plain", em.MimeType)
						}
						if strings.HasPrefix(s.Name, "the request is sent") && s.Result.Status == "passed" {
							evidence++
							assert.True(t, names["request"] && names["response"], "%s / %s: evidence %v", e.Name, s.Name, names)
						}
					}
				}
			}
			assert.Greater(t, scenarios, 200)
			assert.Greater(t, evidence, 200)
			for _, row := range res.Report.Rules {
				if row.ID == "EP-CERT" {
					assert.Equal(t, reports.NotAssessed, row.Verdict)
					assert.Contains(t, row.Reason, "without mutual TLS")
				} else {
					assert.Equal(t, reports.Pass, row.Verdict, "%s: %s", row.ID, row.Reason)
				}
			}
			assert.Empty(t, res.Unexercised)
			assert.Equal(t, scenarios, res.Report.Scenarios.Total(), "one tally")
		})
	}
}

// TestRunStartsTheEmbeddedMockOverMutualTLS: without a target, Run serves
// the embedded mock over mutual TLS itself, so every rule, EP-CERT too, is
// assessed and passes.
func TestRunStartsTheEmbeddedMockOverMutualTLS(t *testing.T) {
	res, err := Run(context.Background(), Options{OutDir: t.TempDir()})
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(res.Target, "https://127.0.0.1:"), res.Target)
	assert.True(t, res.Passed())
	for _, row := range res.Report.Rules {
		assert.Equal(t, reports.Pass, row.Verdict, "%s: %s", row.ID, row.Reason)
	}
}

// TestConformanceSuiteOverMutualTLS runs the suite against the embedded mock
// served over mutual TLS with a throwaway test PKI: the endpoint certificate
// scenarios run too, and everything passes.
func TestConformanceSuiteOverMutualTLS(t *testing.T) {
	w, err := fixtures.Default()
	require.NoError(t, err)
	pki, err := certs.NewPKI(filepath.Join(t.TempDir(), "pki"), w)
	require.NoError(t, err)
	for _, p := range mockspine.Profiles() {
		t.Run(string(p), func(t *testing.T) {
			srv, err := mockspine.NewServer(mockspine.Config{Profile: p, World: w, Content: mockspine.ContentReject})
			require.NoError(t, err)
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			require.NoError(t, err)
			hs := mockspine.NewHTTPServer(srv)
			srv.ConfigureTLS(hs, pki.Server)
			hs.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are expected
			go func() { _ = hs.ServeTLS(ln, "", "") }()
			t.Cleanup(func() { _ = hs.Close() })

			res, err := Run(context.Background(), Options{Target: "https://" + ln.Addr().String(), World: w, Profile: p,
				OutDir: t.TempDir(), Client: pki.Plain, ClientFor: pki.ClientFor})
			require.NoError(t, err)
			assert.Equal(t, 0, res.Status)
			ran := 0
			for _, f := range readCucumber(t, res.CucumberJSON) {
				for _, e := range f.Elements {
					if hasTag(e.Tags, "@EP-CERT") {
						ran++
					}
					for _, s := range e.Steps {
						assert.Equal(t, "passed", s.Result.Status, "%s / %s: %s", e.Name, s.Name, s.Result.Error)
					}
				}
			}
			assert.Equal(t, 3, ran, "endpoint certificate scenarios run over mutual TLS")
		})
	}
}

func TestRunSelectsByTagAndWritesProgress(t *testing.T) {
	var progress bytes.Buffer
	out := filepath.Join(t.TempDir(), "with,comma")
	res, err := Run(context.Background(), Options{Tags: "@JWT-SCOPE", OutDir: out, Progress: &progress})
	require.NoError(t, err)
	assert.Equal(t, 0, res.Status)
	assert.Equal(t, filepath.Join(out, CucumberFile), res.CucumberJSON)
	assert.FileExists(t, res.JUnitXML)
	n := 0
	for _, f := range readCucumber(t, res.CucumberJSON) {
		for _, e := range f.Elements {
			n++
			assert.True(t, hasTag(e.Tags, "@JWT-SCOPE"), e.Name)
		}
	}
	assert.Equal(t, 7, n, "one conforming scenario and six scopes")
	assert.Contains(t, progress.String(), "7 scenarios: 7 passed, 0 failed, 0 skipped (not assessed)")
	assert.NotContains(t, progress.String(), "7 scenarios (7 passed)", "godog's own tally is not shown beside the run's")
	assert.NotContains(t, progress.String(), "\x1b[", "progress is plain text")
}

func TestRunWithoutOutDirWritesToATemporaryFolder(t *testing.T) {
	res, err := Run(context.Background(), Options{Tags: "@MSG-SIZE"})
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(filepath.Dir(res.CucumberJSON)) })
	assert.Equal(t, 0, res.Status)
	assert.FileExists(t, res.CucumberJSON)
	assert.FileExists(t, res.JUnitXML)
}

func TestRunReportsFailure(t *testing.T) {
	// A target that answers every request with 202 breaks every rule.
	ts := newAcceptAll(t)
	res, err := Run(context.Background(), Options{Target: ts, Tags: "@JWT-SCOPE && @violation", OutDir: t.TempDir()})
	require.NoError(t, err)
	assert.Equal(t, 1, res.Status)
	for _, f := range readCucumber(t, res.CucumberJSON) {
		for _, e := range f.Elements {
			failed := false
			for _, s := range e.Steps {
				if s.Result.Status == "failed" {
					failed = true
					assert.Contains(t, s.Result.Error, "rule JWT-SCOPE: expected HTTP status 400, got 202")
				}
			}
			assert.True(t, failed, e.Name)
		}
	}
}

func TestRunRefusesBadOptions(t *testing.T) {
	_, err := Run(context.Background(), Options{Profile: "nems-1999"})
	assert.ErrorContains(t, err, "unknown profile")
	_, err = Run(context.Background(), Options{Tags: "@JWT-SCOPE,"})
	assert.ErrorContains(t, err, "empty term")
}

// TestEmptySelectionsFail: a tag expression that does not parse, or that
// selects nothing, is an error before anything runs.
func TestEmptySelectionsFail(t *testing.T) {
	for _, tags := range []string{"@NOPE", "((", "@JWT-SCOPE && ~@JWT-SCOPE", "not @JWT-SCOPE", "@JWT-SCOPE and @violation"} {
		t.Run(tags, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			_, err := Run(context.Background(), Options{Tags: tags, OutDir: out})
			require.Error(t, err)
			assert.NotContains(t, err.Error(), "\n")
			_, statErr := os.Stat(out)
			assert.True(t, os.IsNotExist(statErr), "nothing is written")
		})
	}
}

// TestFixturesWithoutAKindLeaveTheRuleNotAssessed: fixtures with no S- or
// I-flagged patient cannot show NHS-FLAGS broken, so it is not assessed
// (not passed), with the reason, and the run does not pass.
func TestFixturesWithoutAKindLeaveTheRuleNotAssessed(t *testing.T) {
	w, err := fixtures.Default()
	require.NoError(t, err)
	var pds world.PDS
	for _, p := range w.PDS.Patients {
		if !p.HasFlag("S") && !p.HasFlag("I") && p.Kind != "sensitive" && p.Kind != "invalid" {
			pds.Patients = append(pds.Patients, p)
		}
	}
	unflagged, err := world.New(w.Spine, pds)
	require.NoError(t, err)
	res, err := Run(context.Background(), Options{World: unflagged, Plain: true, Tags: "@NHS-FLAGS", OutDir: t.TempDir()})
	require.NoError(t, err)
	assert.Equal(t, 0, res.Status, "no scenario failed")
	for _, row := range res.Report.Rules {
		if row.ID == "NHS-FLAGS" {
			assert.Equal(t, reports.NotAssessed, row.Verdict)
			assert.Contains(t, row.Reason, "its violation scenarios were skipped: ")
			assert.Contains(t, row.Reason, "S-flagged")
		}
	}
	assert.Equal(t, []string{"NHS-FLAGS"}, res.Unexercised)
	assert.False(t, res.Passed())
	assert.Equal(t, "INCOMPLETE", res.Report.Result(), "the overall result follows")
	assert.Equal(t, 2, res.Report.Scenarios.Skipped)
}

func TestTagExpression(t *testing.T) {
	assert.Equal(t, "~@wip && ~@nems-current", TagExpression(mockspine.Profile2019, ""))
	assert.Equal(t, "@JWT-SCOPE,@JWT-SUB && ~@wip && ~@nems-2019-01", TagExpression(mockspine.ProfileCurrent, " @JWT-SCOPE,@JWT-SUB "))
}

// newAcceptAll is a target that answers 202 to everything.
func newAcceptAll(t *testing.T) string {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(ts.Close)
	return ts.URL
}
