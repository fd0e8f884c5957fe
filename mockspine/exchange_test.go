package mockspine

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The checks read header fields under the names the rules spell; those
// found without building the canonical name again are found as
// http.CanonicalHeaderKey finds them, and so is any other.
func TestHeaderValueCanonicalNames(t *testing.T) {
	x := &Exchange{Request: Request{Header: http.Header{
		"Fromasid":      {"200000000115"},
		"Toasid":        {"a", "b"},
		"Interactionid": {""},
		"Content-Type":  {"application/fhir+xml"},
		"X-Odd_name":    {"kept"},
	}}}
	cases := []struct {
		name, value string
		sent        bool
	}{
		{"fromASID", "200000000115", true},
		{"FROMASID", "200000000115", true},
		{"toASID", "a,b", true},
		{"InteractionID", "", true},
		{"content-type", "application/fhir+xml", true},
		{"x-odd_name", "kept", true},
		{"Accept", "", false},
	}
	for _, c := range cases {
		v, sent := x.headerValue(c.name)
		assert.Equal(t, c.value, v, c.name)
		assert.Equal(t, c.sent, sent, c.name)
		assert.Equal(t, http.CanonicalHeaderKey(c.name), canonicalKey(c.name), c.name)
	}
}
