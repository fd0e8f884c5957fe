package mockspine_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/mockspine"
)

// TestPublisherViewIsRecordedByEvaluate: MIME-DEFAULT is not assessed when
// a request names both Content-Type and Accept (no default was needed);
// the catalogue's publisher view makes that a pass for the publisher when
// both were accepted, and Evaluate records it in the verdict itself.
func TestPublisherViewIsRecordedByEvaluate(t *testing.T) {
	w := defaultWorld(t)
	body := fixtureMessage(t, "xml")
	tests := []struct {
		name      string
		header    func(h http.Header)
		publisher mockspine.Outcome
	}{
		{"both named and accepted", func(h http.Header) { h.Set("Accept", "application/fhir+xml") }, mockspine.Pass},
		{"Accept refused", func(h http.Header) { h.Set("Accept", "text/plain") }, ""},
		{"Content-Type refused", func(h http.Header) {
			h.Set("Accept", "application/fhir+xml")
			h.Set("Content-Type", "text/plain")
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := publishHeader(t, w, "xml")
			tt.header(h)
			j, err := (&mockspine.Judge{Profile: mockspine.Profile2019, World: w}).Evaluate(t.Context(),
				mockspine.Request{Method: "POST", Path: mockspine.PublishPath, Header: h, Body: string(body)})
			require.NoError(t, err)
			v, ok := j.Verdict("MIME-DEFAULT")
			require.True(t, ok)
			assert.Equal(t, mockspine.NotAssessed, v.Outcome, "the endpoint's view")
			assert.Equal(t, tt.publisher, v.Publisher)
			want := tt.publisher
			if want == "" {
				want = mockspine.NotAssessed
			}
			assert.Equal(t, want, v.PublisherOutcome())
		})
	}
}

// TestAnswersComeFromTheCatalogue: a breach is answered with the status,
// Spine code and header fields the catalogue gives the rule's answer, the
// usual one or a named alternative.
func TestAnswersComeFromTheCatalogue(t *testing.T) {
	w := defaultWorld(t)
	tests := []struct {
		name   string
		change func(h http.Header)
		rule   string
		answer string // "" for the usual one
	}{
		{"no Authorization", func(h http.Header) { h.Del("Authorization") }, "JWT-BEARER", ""},
		{"not a JWT", func(h http.Header) { h.Set("Authorization", "Bearer abc") }, "JWT-FORMAT", ""},
		{"toASID not NEMS", func(h http.Header) { h.Set("toASID", "123456789012") }, "HDR-TOASID", "not-nems"},
		{"gzip body", func(h http.Header) { h.Set("Content-Encoding", "gzip") }, "MSG-WELLFORMED", "content-encoding"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := publishHeader(t, w, "xml")
			tt.change(h)
			j, err := (&mockspine.Judge{Profile: mockspine.Profile2019, World: w}).Evaluate(t.Context(),
				mockspine.Request{Method: "POST", Path: mockspine.PublishPath, Header: h, Body: string(fixtureMessage(t, "xml"))})
			require.NoError(t, err)
			failed := j.Failed()
			require.NotEmpty(t, failed)
			assert.Equal(t, tt.rule, failed[0].Rule)
			r, _ := mockspine.RuleByID(tt.rule)
			want := r.Answer
			if tt.answer != "" {
				var ok bool
				want, ok = r.Alternative(tt.answer)
				require.True(t, ok)
			}
			assert.Equal(t, want.Answer, *failed[0].Answer)
			assert.Equal(t, want.Status, j.Response.Status)
			for _, f := range want.Header {
				assert.Equal(t, f.Value, j.Response.Header.Get(f.Name))
			}
			for _, v := range failed {
				r, _ := mockspine.RuleByID(v.Rule)
				assert.True(t, slices.ContainsFunc(r.Answers(), func(b mockspine.Breach) bool { return b.Answer == *v.Answer }),
					"%s answered %v, which its catalogue entry does not list", v.Rule, *v.Answer)
			}
		})
	}
}
