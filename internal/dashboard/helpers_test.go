package dashboard_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/fixtures"
	"github.com/nems-harness/nems-harness/internal/dashboard"
	"github.com/nems-harness/nems-harness/mockspine"
	"github.com/nems-harness/nems-harness/publish"
)

var sender = publish.Sender{ASID: "200000000115", ODS: "RX3EP"}

// harness is a mock with its dashboard, listening on loopback.
type harness struct {
	srv  *mockspine.Server
	dash *dashboard.Dashboard
	http *httptest.Server
}

func newHarness(t testing.TB) *harness { return newHarnessWith(t, nil) }

// newHarnessWith makes a harness whose dashboard reads verdicts through a
// view.
func newHarnessWith(t testing.TB, view func(mockspine.Entry) []mockspine.Verdict) *harness {
	t.Helper()
	w, err := fixtures.Default()
	require.NoError(t, err)
	srv, err := mockspine.NewServer(mockspine.Config{World: w})
	require.NoError(t, err)
	h := &harness{srv: srv}
	// The publish URL is known once listening; the dashboard reads it per
	// request, so it is set through a handler that waits for it.
	var handler http.Handler
	h.http = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handler.ServeHTTP(w, r)
	}))
	h.http.Start()
	h.dash, err = dashboard.New(dashboard.Config{Server: srv, PublishURL: h.http.URL + mockspine.PublishPath, Version: "test",
		Verdicts: view})
	require.NoError(t, err)
	handler = dashboard.Mount(h.dash, srv)
	t.Cleanup(func() {
		h.dash.Close()
		h.http.Close()
	})
	return h
}

// publishRequest is a conforming publish of vaccinations-1 "new" in XML.
func publishRequest(t testing.TB, base string) *http.Request {
	t.Helper()
	w, err := fixtures.Default()
	require.NoError(t, err)
	jwt, err := publish.Token(sender, "https://nems.example", time.Now())
	require.NoError(t, err)
	body, err := publish.Message("vaccinations-1", "new", "xml", nil)
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, base+mockspine.PublishPath, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header = publish.Headers(sender, w.NEMSASID(), "vaccinations-1", jwt, "application/fhir+xml")
	return req
}

// send sends a request and returns the status.
func send(t testing.TB, req *http.Request) int {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// getJSON fetches a dashboard API answer.
func getJSON(t testing.TB, url string, v any) *http.Response {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	if v != nil {
		require.NoError(t, json.Unmarshal(b, v), string(b))
	}
	return resp
}
