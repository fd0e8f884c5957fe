package loadtest_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/fixtures"
	"github.com/nems-harness/nems-harness/internal/loadtest"
	"github.com/nems-harness/nems-harness/mockspine"
)

func TestWrkScriptRefusesWhatItCannotSend(t *testing.T) {
	cfg := config("")
	assert.Error(t, loadtest.WrkScript(&bytes.Buffer{}, cfg, "not a url", time.Now()))
	cfg.Body = []byte(`<Bundle xmlns="http://hl7.org/fhir"><type value="message"/><entry><resource><MessageHeader><id value="short"/></MessageHeader></resource></entry></Bundle>`)
	err := loadtest.WrkScript(&bytes.Buffer{}, cfg, "http://127.0.0.1:1/", time.Now())
	assert.ErrorContains(t, err, "shorter than 12")
}

// TestWrkScriptDrivesTheMock runs wrk with the script against the mock
// (skipped where wrk is not installed): every request is accepted, each
// with its own MessageHeader id, and none repeats an earlier one.
func TestWrkScriptDrivesTheMock(t *testing.T) {
	for _, name := range []string{"vaccinations-1-new.xml", "vaccinations-1-new.json"} {
		t.Run(name, func(t *testing.T) {
			url, s := startMock(t)
			cfg := config(url)
			body, err := fixtures.Bundle(name)
			require.NoError(t, err)
			cfg.Body = body
			cfg.ContentType, cfg.EventCode, err = loadtest.Describe(body)
			require.NoError(t, err)
			var script bytes.Buffer
			require.NoError(t, loadtest.WrkScript(&script, cfg, url, time.Now()))
			assert.Contains(t, script.String(), "POST "+mockspine.PublishPath+" HTTP/1.1\\r\\n")
			assert.Contains(t, script.String(), "Authorization: Bearer ")
			wrk, err := exec.LookPath("wrk")
			if err != nil {
				t.Skip("wrk is not installed (apt-get install wrk)")
			}
			file := filepath.Join(t.TempDir(), "publish.lua")
			require.NoError(t, os.WriteFile(file, script.Bytes(), 0o600))
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			out, err := exec.CommandContext(ctx, wrk, "-t2", "-c2", "-d1s", "-s", file, url).CombinedOutput()
			require.NoError(t, err, "%s", out)
			assert.NotContains(t, string(out), "Non-2xx", "%s", out)
			done := regexp.MustCompile(`(\d+) requests in`).FindStringSubmatch(string(out))
			require.NotNil(t, done, "%s", out)
			entries := s.Journal().List(0)
			require.Greater(t, len(entries), 10, "%s", out)
			ids := map[string]bool{}
			for _, e := range entries {
				assert.Equal(t, 202, e.Response.Status)
				for _, v := range e.Verdicts {
					if strings.HasPrefix(v.Rule, "EVT-") || strings.HasPrefix(v.Rule, "MSG-") {
						assert.NotEqual(t, mockspine.Fail, v.Outcome, "entry %d %s: %s", e.Seq, v.Rule, v.Reason)
					}
				}
				ids[e.Body] = true
			}
			assert.Len(t, ids, len(entries), "every body differs")
		})
	}
}
