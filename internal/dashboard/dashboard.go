// Package dashboard is the mock's live view in a browser, at /_harness/ui/:
// the requests as they arrive with every rule's verdict, each request in
// detail (headers, decoded JWT, body, answer, copy as curl, re-judged under
// another profile), the rule catalogue with what the traffic held kept and
// broke, the world (Spine directory and PDS) the mock judges against, and
// the assurance report of the traffic held.
//
// It reads only the journal and the rule catalogue, so every rule, today's
// and those added later, shows up without a change here. Its assets are
// embedded; the pages make no request outside the mock (a
// Content-Security-Policy forbids it), and every value a request carried is
// put on the page as text, never as markup.
//
// Watching costs the publish path next to nothing: the live stream reads the
// journal through a bounded watch (mockspine.Journal.Watch), and a browser
// that falls behind is told to reload rather than hold a publish.
package dashboard

import (
	"embed"
	"encoding/json"
	"errors"
	"io/fs"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/nems-harness/nems-harness/mockspine"
)

// Prefix is where the dashboard is served.
const Prefix = mockspine.AdminPrefix + "/ui/"

//go:embed assets
var assets embed.FS

// Config configures a dashboard.
type Config struct {
	// Server is the mock whose journal, profile and world are shown.
	Server *mockspine.Server
	// PublishURL is the mock's publish endpoint as publishers reach it
	// (e.g. https://127.0.0.1:4854/STU3/Events/1/$process-message), for
	// copy as curl; empty means the address the page was loaded from.
	PublishURL string
	// Verdicts is the view of a recorded entry's verdicts that reports
	// take (assess and assure read a publisher's view); nil means the
	// verdicts as recorded.
	Verdicts func(mockspine.Entry) []mockspine.Verdict
	// Version is the harness version shown in reports.
	Version string
}

// Dashboard is the live view as an http.Handler for paths under Prefix.
type Dashboard struct {
	cfg     Config
	journal *mockspine.Journal
	judge   *mockspine.Judge
	mux     *http.ServeMux
	static  http.Handler
	// stream limits how fast a browser is sent entries (see stream.go).
	stream    streamLimits
	streaming atomic.Int32 // streams open
	// done is closed by Close: live streams end.
	done      chan struct{}
	closeOnce sync.Once
}

// Close ends the live streams (a server shutting down waits for the
// requests it serves, and a stream never ends by itself). Pages still load.
func (d *Dashboard) Close() { d.closeOnce.Do(func() { close(d.done) }) }

// New builds the dashboard of a mock.
func New(cfg Config) (*Dashboard, error) {
	if cfg.Server == nil {
		return nil, errors.New("dashboard: no mock server given")
	}
	if cfg.Verdicts == nil {
		cfg.Verdicts = func(e mockspine.Entry) []mockspine.Verdict { return e.Verdicts }
	}
	sub, err := fs.Sub(assets, "assets")
	if err != nil {
		return nil, err // cannot happen: the folder is embedded
	}
	d := &Dashboard{cfg: cfg, journal: cfg.Server.Journal(), judge: cfg.Server.Judge(),
		static: http.StripPrefix(Prefix, http.FileServerFS(sub)), stream: defaultStreamLimits,
		done: make(chan struct{})}
	m := http.NewServeMux()
	m.HandleFunc("GET "+Prefix+"{$}", d.index)
	m.HandleFunc("GET "+Prefix+"static/", d.asset)
	m.HandleFunc("GET "+Prefix+"api/summary", d.apiSummary)
	m.HandleFunc("GET "+Prefix+"api/requests", d.apiRequests)
	m.HandleFunc("GET "+Prefix+"api/requests/{id}", d.apiRequest)
	m.HandleFunc("GET "+Prefix+"api/requests/{id}/rejudge", d.apiRejudge)
	m.HandleFunc("GET "+Prefix+"api/rules", d.apiRules)
	m.HandleFunc("GET "+Prefix+"api/world", d.apiWorld)
	m.HandleFunc("GET "+Prefix+"events", d.events)
	m.HandleFunc("GET "+Prefix+"report.html", d.report)
	m.HandleFunc("GET "+Prefix+"journal.jsonl", d.journalDownload)
	m.HandleFunc(Prefix, func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such dashboard page: "+r.Method+" "+r.URL.Path)
	})
	d.mux = m
	return d, nil
}

// pageCSP forbids every request outside the mock and every inline script
// or style: a value that slipped through as markup could not run.
const pageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// ServeHTTP serves the dashboard's pages, assets and API.
func (d *Dashboard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", pageCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	d.mux.ServeHTTP(w, r)
}

func (d *Dashboard) index(w http.ResponseWriter, r *http.Request) {
	b, err := assets.ReadFile("assets/index.html")
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(b)
}

func (d *Dashboard) asset(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-cache")
	d.static.ServeHTTP(w, r)
}

// Mount serves the dashboard beside the mock on one listener: paths under
// Prefix go to the dashboard, everything else to the mock.
func Mount(d *Dashboard, mock http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, Prefix) || r.URL.Path == strings.TrimSuffix(Prefix, "/") {
			d.serveOrRedirect(w, r)
			return
		}
		mock.ServeHTTP(w, r)
	})
}

// Admin serves the dashboard and the mock's admin API, and nothing else:
// the handler of a separate admin listener (serve --admin-addr), reachable
// from an ordinary browser while the publish endpoint asks for a client
// certificate. A publish sent there is refused, not judged.
//
// It answers only requests addressed to an IP address or to localhost: a
// web page elsewhere that points its own host name at this machine (DNS
// rebinding) cannot read it through the browser.
func Admin(d *Dashboard, mock http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !addressedDirectly(r.Host) {
			writeError(w, http.StatusMisdirectedRequest, "the admin listener answers requests to its IP address or localhost only, not to "+r.Host)
			return
		}
		switch p := r.URL.Path; {
		case strings.HasPrefix(p, Prefix) || p == strings.TrimSuffix(Prefix, "/"):
			d.serveOrRedirect(w, r)
		case p == "/" && (r.Method == http.MethodGet || r.Method == http.MethodHead):
			http.Redirect(w, r, Prefix, http.StatusFound)
		case strings.HasPrefix(p, mockspine.AdminPrefix+"/"):
			mock.ServeHTTP(w, r)
		default:
			writeError(w, http.StatusNotFound, "this is the admin listener (dashboard at "+Prefix+
				", admin API under "+mockspine.AdminPrefix+"/); publish to the mock's own address")
		}
	})
}

// addressedDirectly reports whether a Host header names an IP address or
// localhost.
func addressedDirectly(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if net.ParseIP(host) != nil {
		return true
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	return host == "localhost" || strings.HasSuffix(host, ".localhost")
}

func (d *Dashboard) serveOrRedirect(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == strings.TrimSuffix(Prefix, "/") {
		http.Redirect(w, r, Prefix, http.StatusMovedPermanently)
		return
	}
	d.ServeHTTP(w, r)
}

// writeJSON answers the dashboard's API.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // the browser may have gone; nothing to do
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}
