package mockspine_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/nems-harness/nems-harness/internal/mediatype"
	"github.com/nems-harness/nems-harness/mockspine"
)

// FuzzHandler sends arbitrary method, path, Spine headers and body through
// the real http.Handler. Whatever arrives, the mock never fails (no 500, no
// panic), every refusal is a Spine OperationOutcome in the format its
// Content-Type names, every acceptance has an empty body or an informational
// OperationOutcome, the journal entry can be written to a file, and every
// publish is judged, with the same verdicts and answer when the entry is
// read back and judged again.
//
// Seeds: the conforming publishes below (with a fresh JWT), and the corpus in
// testdata/fuzz/FuzzHandler (a stale JWT, a DTD, deep nesting, and so on).
func FuzzHandler(f *testing.F) {
	w := defaultWorld(f)
	for _, format := range []string{"xml", "json"} {
		h := publishHeader(f, w, format)
		f.Add(http.MethodPost, mockspine.PublishPath, h.Get("Authorization"), h.Get("Content-Type"), h.Get("Accept"),
			h.Get("fromASID"), h.Get("toASID"), h.Get("InteractionID"), fixtureMessage(f, format))
	}
	h := publishHeader(f, w, "xml")
	f.Add(http.MethodPost, mockspine.PublishPath2019, h.Get("Authorization"), "", "", h.Get("fromASID"), h.Get("toASID"),
		h.Get("InteractionID"), []byte(strings.Repeat("<a>", 2000)))
	f.Add(http.MethodPost, mockspine.PublishPath, h.Get("Authorization"), "application/fhir+json", "application/fhir+json",
		h.Get("fromASID"), h.Get("toASID"), h.Get("InteractionID"), []byte(`{"resourceType":"Bundle","a":`+strings.Repeat("[", 2000)))

	s := newTestServer(f, nil)
	f.Fuzz(func(t *testing.T, method, path, authorization, contentType, accept, fromASID, toASID, interactionID string, body []byte) {
		s.Journal().Clear() // keep the fuzzing process small
		if method == "" {
			method = http.MethodPost
		}
		r := &http.Request{
			Method: method, URL: &url.URL{Path: path}, RequestURI: path, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: http.Header{}, Host: "nems.example", RemoteAddr: "192.0.2.1:40000",
			Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)),
		}
		for name, v := range map[string]string{"Authorization": authorization, "Content-Type": contentType,
			"Accept": accept, "fromASID": fromASID, "toASID": toASID, "InteractionID": interactionID} {
			if v != "" {
				r.Header.Set(name, v)
			}
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, r)
		checkAnswer(t, path, rec)

		rj := newRejudger(s) // the cleared journal began a new run
		for _, e := range s.Journal().List(0) {
			if _, err := json.Marshal(e); err != nil {
				t.Fatalf("journal entry %s cannot be written to a file: %v", e.ID, err)
			}
			checkRejudgedAlike(t, rj, e, false)
		}
	})
}

// checkAnswer asserts what every answer of the mock must be.
func checkAnswer(t *testing.T, path string, rec *httptest.ResponseRecorder) {
	t.Helper()
	body := rec.Body.Bytes()
	if rec.Code == http.StatusInternalServerError {
		t.Fatalf("500 for path %q: %s", path, body)
	}
	if strings.HasPrefix(path, mockspine.AdminPrefix+"/") {
		return // the admin API answers in its own JSON
	}
	ct := rec.Header().Get("Content-Type")
	if rec.Code == http.StatusAccepted && len(body) == 0 {
		return
	}
	if _, err := mediatype.ParseContentType(ct, true); err != nil {
		t.Fatalf("status %d with Content-Type %q: %v", rec.Code, ct, err)
	}
	o, err := mockspine.ParseOperationOutcome(body, outcomeFormat(ct))
	if err != nil {
		t.Fatalf("status %d: not a Spine OperationOutcome (%v): %s", rec.Code, err, body)
	}
	for _, is := range o.Issues {
		// A 202 carries information (DEPRECATED) and content warnings;
		// a refusal carries errors, and content warnings beside them.
		ok := is.Severity == "warning" || is.Severity == "error" && rec.Code != http.StatusAccepted ||
			is.Severity == "information" && rec.Code == http.StatusAccepted
		if !ok {
			t.Fatalf("status %d with a %s issue: %s", rec.Code, is.Severity, body)
		}
	}
}
