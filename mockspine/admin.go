package mockspine

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gorilla/mux"
)

// The admin API, under /_harness/ on the mock's own listener:
//
//	GET    /_harness/health         liveness, profile, request count
//	GET    /_harness/rules          the rule catalogue of the profile
//	GET    /_harness/requests       journal entries (?since=SEQ for newer ones)
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

func (s *Server) listRequests(w http.ResponseWriter, r *http.Request) {
	var since uint64
	if v := r.URL.Query().Get("since"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "since must be a sequence number: " + err.Error()})
			return
		}
		since = n
	}
	entries := s.journal.List(since)
	if entries == nil {
		entries = []Entry{}
	}
	writeJSON(w, http.StatusOK, entries)
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
	s.journal.Clear()
	w.WriteHeader(http.StatusNoContent)
}
