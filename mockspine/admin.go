package mockspine

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gorilla/mux"
)

// The admin API, under /_harness/ on the mock's own listener:
//
//	GET    /_harness/health         liveness, profile, request count
//	GET    /_harness/rules          the rule catalogue of the profile
//	GET    /_harness/requests       journal entries, oldest first (?since=SEQ for
//	                                newer ones, ?limit=N, default and most 1000;
//	                                the X-Next-Since header continues the listing)
//	GET    /_harness/requests/{id}  one entry
//	DELETE /_harness/requests       forget the entries held in memory
func (s *Server) adminRoutes(r *mux.Router) {
	r.HandleFunc("/health", s.health).Methods(http.MethodGet)
	r.HandleFunc("/rules", s.rules).Methods(http.MethodGet)
	r.HandleFunc("/requests", s.listRequests).Methods(http.MethodGet)
	r.HandleFunc("/requests", s.clearRequests).Methods(http.MethodDelete)
	r.HandleFunc("/requests/{id}", s.getRequest).Methods(http.MethodGet)
	r.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such admin endpoint: " + r.Method + " " + r.URL.Path})
	})
	r.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": r.Method + " is not supported on " + r.URL.Path})
	})
}

func (s *Server) health(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"status": "ok", "profile": s.judge.Profile, "nemsASID": s.judge.World.NEMSASID(),
		"requests": s.journal.Last(), "uptimeSeconds": int(time.Since(s.started).Seconds()),
	})
}

func (s *Server) rules(w http.ResponseWriter, _ *http.Request) {
	var out []*Rule
	for _, r := range catalogue {
		if r.AppliesTo(s.judge.Profile) {
			out = append(out, r)
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// Listing limits of the admin API: an answer stays a few megabytes at most
// even when the journal holds thousands of large messages.
const (
	defaultListLimit = 1000
	maxListLimit     = 1000
)

func (s *Server) listRequests(w http.ResponseWriter, r *http.Request) {
	since, err := queryUint(r, "since", 0)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	limit, err := queryUint(r, "limit", defaultListLimit)
	if err != nil || limit == 0 || limit > maxListLimit {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "limit must be a number from 1 to " + strconv.Itoa(maxListLimit)})
		return
	}
	// Only the page is unpacked: a listing costs memory in proportion to
	// what it returns, however much the journal holds.
	entries, _ := s.journal.Page(since, int(limit))
	if entries == nil {
		entries = []Entry{}
	}
	if len(entries) > 0 {
		w.Header().Set("X-Next-Since", strconv.FormatUint(entries[len(entries)-1].Seq, 10))
	}
	writeJSON(w, http.StatusOK, entries)
}

// queryUint reads an optional non-negative integer query parameter.
func queryUint(r *http.Request, name string, def uint64) (uint64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, errors.New(name + " must be a non-negative whole number")
	}
	return n, nil
}

func (s *Server) getRequest(w http.ResponseWriter, r *http.Request) {
	id := mux.Vars(r)["id"]
	e, ok := s.journal.Get(id)
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no request " + id + " in the journal"})
		return
	}
	writeJSON(w, http.StatusOK, e)
}

func (s *Server) clearRequests(w http.ResponseWriter, _ *http.Request) {
	// The judge's history of the run goes with the entries (NewServer).
	s.journal.Clear()
	w.WriteHeader(http.StatusNoContent)
}
