package dashboard_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/internal/dashboard"
	"github.com/nems-harness/nems-harness/mockspine"
)

// findChromium returns a Chromium binary, or "" when there is none.
func findChromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// screenshotDir is out/screenshots at the module's root (ignored by git),
// where a person can look at what the browser showed.
func screenshotDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		require.NotEqual(t, parent, dir, "no go.mod above the test")
		dir = parent
	}
	out := filepath.Join(dir, "out", "screenshots")
	require.NoError(t, os.MkdirAll(out, 0o755))
	return out
}

// browser is headless Chromium driven over the DevTools protocol, with
// every console error, uncaught exception and error log entry (a refused
// load, a Content-Security-Policy violation) collected.
type browser struct {
	ctx    context.Context
	mu     sync.Mutex
	errors []string
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	if testing.Short() {
		t.Skip("drives a browser; skipped in -short mode")
	}
	bin := findChromium()
	if bin == "" {
		t.Skip("no Chromium found (chromium on PATH); apt-get install chromium")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, time.Minute)
	b := &browser{ctx: ctx}
	messages := chromedp.Console(ctx) // subscribed now, read below
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException {
				b.mu.Lock()
				b.errors = append(b.errors, string(m.Type)+": "+m.Text+" "+m.URL)
				b.mu.Unlock()
			}
		}
	}()
	t.Cleanup(func() { cancelTime(); cancelCtx(); cancelAlloc(); <-done })
	return b
}

func (b *browser) consoleErrors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.errors...)
}

func (b *browser) do(t *testing.T, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	require.NoError(t, chromedp.Do(b.ctx, steps...))
}

func (b *browser) screenshot(t *testing.T, name string) {
	t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	path := filepath.Join(screenshotDir(t), name)
	require.NoError(t, os.WriteFile(path, png, 0o644))
	t.Logf("screenshot %s", path)
}

func (b *browser) text(t *testing.T, sel string) string {
	t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.TextContent(chromedp.CSS(sel)))
	require.NoError(t, err, sel)
	return s
}

func evalJS[T any](t *testing.T, b *browser, js string) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js))
	require.NoError(t, err, js)
	return v
}

func visible(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.WaitVisible(chromedp.CSS(sel))
}

// TestDashboardInChromium opens the dashboard in headless Chromium: the
// page loads without a console error, a publish sent after it opened
// appears without a reload, its detail shows the decoded JWT with the
// failed rule's claim marked, a hostile body and header show as text, and
// every page is screenshotted (out/screenshots) at 1280 px and narrow.
func TestDashboardInChromium(t *testing.T) {
	b := newBrowser(t)
	h := newHarness(t)
	page := h.http.URL + dashboard.Prefix
	send(t, publishRequest(t, h.http.URL)) // r1, in the first listing

	b.do(t, chromedp.Navigate(page), visible(`tr[data-id="r1"]`),
		visible(`#live.on`))
	// A mark that a reload would wipe.
	evalJS[int](t, b, `window.__opened = 1`)

	start := time.Now()
	require.Equal(t, http.StatusBadRequest, send(t, badScope(t, h.http.URL))) // r2, live
	b.do(t, visible(`tr[data-id="r2"]`))
	appeared := time.Since(start)
	t.Logf("the publish appeared %v after it was answered", appeared)
	assert.Less(t, appeared, time.Second, "a publish appears within a second")
	opened := evalJS[int](t, b, `window.__opened || 0`)
	assert.Equal(t, 1, opened, "the page was not reloaded")
	assert.Contains(t, b.text(t, `tr[data-id="r2"]`), "JWT-SCOPE")
	assert.Contains(t, b.text(t, `tr[data-id="r2"]`), "200000000115")
	assert.Contains(t, b.text(t, `#held`), "2 held")
	b.screenshot(t, "list-1280.png")

	// The detail: the decoded JWT with the scope claim marked by JWT-SCOPE.
	b.do(t, chromedp.Click(chromedp.CSS(`tr[data-id="r2"] td:nth-child(2) a`)),
		visible(`.jwt`))
	marked := b.text(t, `.jwt tr.marked`)
	assert.Contains(t, marked, "scope")
	assert.Contains(t, marked, "patient/*.read")
	assert.Contains(t, marked, "JWT-SCOPE")
	assert.Contains(t, b.text(t, `li.verdict.fail`), "JWT-SCOPE")
	assert.Contains(t, b.text(t, `.jwt`), "requesting_system")
	b.screenshot(t, "detail-1280.png")

	// Re-judged under the other profile, in place.
	b.do(t, chromedp.Click(chromedp.CSS(`button.rejudge`)), visible(`#rejudged ul.verdicts`))
	assert.Contains(t, b.text(t, `#rejudged h2`), string(mockspine.ProfileCurrent))

	// A hostile body and header are shown as text and run nothing.
	hostile := `<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script><b id="injected">bold</b>`
	req, err := http.NewRequest(http.MethodPost, h.http.URL+mockspine.PublishPath, strings.NewReader(hostile))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/fhir+xml")
	req.Header.Set("X-Hostile", `<script>window.__pwned=2</script><b id="injected-header">h</b>`)
	send(t, req) // r3
	b.do(t, chromedp.Navigate(page+"#/r/r3"), visible(`main[data-page="#/r/r3"] pre[data-name="body"]`))
	assert.True(t, strings.Contains(b.text(t, `pre[data-name="body"]`), `<script>window.__pwned=1</script>`),
		"the hostile body shows as written")
	assert.True(t, strings.Contains(b.text(t, `table.kv`), `<b id="injected-header">h</b>`),
		"the hostile header shows as written")
	injected := evalJS[bool](t, b, `!!document.querySelector('#injected, #injected-header, img[src="x"], main script')`)
	pwned := evalJS[bool](t, b, `window.__pwned !== undefined`)
	assert.False(t, injected, "markup from the request became elements")
	assert.False(t, pwned, "script from the request ran")
	b.screenshot(t, "detail-hostile-1280.png")

	// The list shows the hostile request as text too.
	b.do(t, chromedp.Navigate(page+"#/"), visible(`main[data-page="#/"] tr[data-id="r3"]`))
	assert.False(t, evalJS[bool](t, b, `window.__pwned !== undefined`))

	// Content rules: a warning on an accepted publish, with its findings
	// located in the body.
	creq := publishRequest(t, h.http.URL)
	cbody, err := io.ReadAll(creq.Body)
	require.NoError(t, err)
	cmsg := strings.Replace(string(cbody), `<name value="RIVERSIDE CHILD HEALTH SYSTEM"/>`, "", 1)
	creq.Body, creq.ContentLength = io.NopCloser(strings.NewReader(cmsg)), int64(len(cmsg))
	send(t, creq) // r4
	b.do(t, chromedp.Navigate(page+"#/r/r4"), visible(`main[data-page="#/r/r4"] li.verdict.warning ul.findings`))
	assert.Contains(t, b.text(t, `li.verdict.warning`), "EVT-SOURCE-NAME")
	assert.Contains(t, b.text(t, `li.verdict.warning ul.findings`), "line ")
	assert.True(t, evalJS[bool](t, b, `!!document.querySelector('pre[data-name="body"] .line.hl')`), "the finding's line is highlighted")
	b.screenshot(t, "detail-content-1280.png")

	// Rules: counts over the traffic held, linking to the requests.
	b.do(t, chromedp.Navigate(page+"#/rules?rule=JWT-SCOPE"), visible(`main[data-page="#/rules?rule=JWT-SCOPE"] #rule-JWT-SCOPE`))
	rule := b.text(t, `#rule-JWT-SCOPE`)
	assert.Contains(t, rule, "patient/Bundle.write")
	assert.Contains(t, rule, "1 broke")
	assert.Contains(t, rule, "r2")
	b.screenshot(t, "rules-1280.png")

	// World: the directory and PDS, each value copyable.
	b.do(t, chromedp.Navigate(page+"#/world"), visible(`main[data-page="#/world"] table.grid`))
	assert.Contains(t, b.text(t, `main`), h.srv.Judge().World.NEMSASID())
	assert.Contains(t, b.text(t, `main`), h.srv.Judge().World.PDS.Patients[0].NHSNumber)
	copies := evalJS[int](t, b, `document.querySelectorAll('button.copy').length`)
	assert.Greater(t, copies, 10)
	b.screenshot(t, "world-1280.png")

	// The report of what arrived.
	b.do(t, chromedp.Navigate(page+"report.html"), visible(`#JWT-SCOPE`))
	b.screenshot(t, "report-1280.png")

	// Narrow: a phone-sized window; nothing wider than the window.
	b.do(t, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)))
	for _, p := range []struct{ hash, wait, name string }{
		{"#/", `tr[data-id="r3"]`, "list-narrow.png"},
		{"#/r/r2", `.jwt`, "detail-narrow.png"},
		{"#/world", `table.grid`, "world-narrow.png"},
		{"#/rules", `#rule-JWT-SCOPE`, "rules-narrow.png"},
	} {
		b.do(t, chromedp.Navigate(page+p.hash), visible(`main[data-page="`+p.hash+`"] `+p.wait))
		overflow := evalJS[int](t, b, `document.documentElement.scrollWidth - window.innerWidth`)
		assert.LessOrEqual(t, overflow, 0, "%s is wider than a narrow window", p.hash)
		b.screenshot(t, p.name)
	}

	assert.Empty(t, b.consoleErrors(), "console errors")
}

// TestDashboardStaysLiveWhileFallingBehind: a burst larger than the page
// may be sent at once makes the page say so and reload its list, and it
// then shows the newest request, with no console error.
func TestDashboardStaysLiveWhileFallingBehind(t *testing.T) {
	b := newBrowser(t)
	h := newHarness(t)
	h.dash.SetStreamLimits(4, 2, time.Hour) // the page falls behind at once
	b.do(t, chromedp.Navigate(h.http.URL+dashboard.Prefix), visible(`#live.on`))
	for i := 0; i < 20; i++ {
		send(t, publishRequest(t, h.http.URL))
	}
	b.do(t, visible(`#banner.warn`))
	assert.Contains(t, b.text(t, `#banner`), "faster")
	b.do(t, visible(`tr[data-id="r20"]`))
	assert.Empty(t, b.consoleErrors(), "console errors")
}
