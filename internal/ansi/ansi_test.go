package ansi

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestStrip(t *testing.T) {
	tests := []struct {
		name   string
		writes []string
		want   string
	}{
		{"plain", []string{"abc"}, "abc"},
		{"colour", []string{"\x1b[32mok\x1b[0m done"}, "ok done"},
		{"split across writes", []string{"a\x1b", "[1;3", "1mb\x1b[0", "m c"}, "ab c"},
		{"lone escape kept", []string{"x\x1bQy"}, "x\x1bQy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			w := Strip(&b)
			for _, s := range tt.writes {
				n, err := w.Write([]byte(s))
				assert.NoError(t, err)
				assert.Equal(t, len(s), n)
			}
			assert.Equal(t, tt.want, b.String())
		})
	}
}
