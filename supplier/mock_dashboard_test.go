package supplier

import (
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/fixtures"
)

// TestMockServesTheDashboard: the mock assure starts serves the dashboard
// beside itself, and over mutual TLS on a plain loopback listener of its
// own that a browser reaches without a client certificate.
func TestMockServesTheDashboard(t *testing.T) {
	w, err := fixtures.Default()
	require.NoError(t, err)
	ep := &w.Spine.Endpoints[0]
	for _, tlsDir := range []string{"", filepath.Join(t.TempDir(), "pki")} {
		name := "plain"
		if tlsDir != "" {
			name = "mutual TLS"
		}
		t.Run(name, func(t *testing.T) {
			m, err := startMock(mockConfig{World: w, TLSDir: tlsDir, Endpoint: ep})
			require.NoError(t, err)
			defer func() { assert.NoError(t, m.close()) }()
			require.True(t, strings.HasPrefix(m.dashboard, "http://127.0.0.1:"), m.dashboard)
			assert.Equal(t, tlsDir != "", m.admin != nil)
			resp, err := http.Get(m.dashboard)
			require.NoError(t, err)
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Contains(t, string(b), "nems-harness dashboard")
		})
	}
}
