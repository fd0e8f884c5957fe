package jsonstr

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUnescapeAgreesWithEncodingJSON(t *testing.T) {
	for _, lit := range []string{`"plain"`, `"a\"b\\c\/d"`, `"\b\f\n\r\t"`, `"\u00e9\u20AC"`,
		`"\ud83d\ude00"`, `"\ud83d x"`, `"\ude00"`} {
		var want string
		require.NoError(t, json.Unmarshal([]byte(lit), &want), lit)
		got, next, err := Unescape(nil, lit, 1)
		require.Nil(t, err, lit)
		assert.Equal(t, want, string(got), lit)
		assert.Equal(t, len(lit), next, lit)
	}
}

func TestUnescapeErrors(t *testing.T) {
	tests := []struct {
		lit     string
		off     int
		context string
	}{
		{`"ab`, 3, ""},
		{"\"a\nb\"", 2, "in string literal"},
		{`"\x"`, 2, "in string escape code"},
		{`"\u12G4"`, 5, `in \u hexadecimal character escape`},
		{`"\u12`, 5, ""},
		{`"\`, 2, ""},
	}
	for _, tt := range tests {
		_, _, err := Unescape(nil, tt.lit, 1)
		require.NotNil(t, err, tt.lit)
		assert.Equal(t, tt.off, err.Off, tt.lit)
		assert.Equal(t, tt.context, err.Context, tt.lit)
	}
}
