package reports

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLookupAndNames(t *testing.T) {
	assert.Equal(t, []string{"html", "markdown"}, Names())
	tests := []struct {
		name     string
		ok       bool
		wantName string
		wantFile string
	}{
		{"html", true, "html", "assurance-report.html"},
		{"markdown", true, "markdown", "assurance-report.md"},
		{" HTML ", true, "html", "assurance-report.html"},
		{"pdf", false, "", ""},
		{"", false, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, ok := Lookup(tt.name)
			require.Equal(t, tt.ok, ok)
			if ok {
				assert.Equal(t, tt.wantName, w.Name())
				assert.Equal(t, tt.wantFile, w.FileName())
			}
		})
	}
}

type namedWriter string

func (n namedWriter) Name() string                   { return string(n) }
func (n namedWriter) FileName() string               { return string(n) + ".txt" }
func (n namedWriter) Write(io.Writer, *Report) error { return nil }

func TestRegisterRejectsDuplicatesAndEmptyNames(t *testing.T) {
	assert.Panics(t, func() { Register(namedWriter("html")) })
	assert.Panics(t, func() { Register(namedWriter("")) })
}

func TestWriteAll(t *testing.T) {
	tests := []struct {
		name    string
		formats []string
		want    []string
		wantErr string
	}{
		{"default is html and markdown", nil, []string{"assurance-report.html", "assurance-report.md"}, ""},
		{"markdown only", []string{"markdown"}, []string{"assurance-report.md"}, ""},
		{"order kept and duplicates written once", []string{"markdown", "html", "markdown"}, []string{"assurance-report.md", "assurance-report.html"}, ""},
		{"unknown format writes nothing", []string{"html", "pdf"}, nil, `unknown format "pdf"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out", "nested")
			paths, err := WriteAll(dir, sampleReport(), tt.formats...)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				assert.NoDirExists(t, dir)
				return
			}
			require.NoError(t, err)
			require.Len(t, paths, len(tt.want))
			for i, p := range paths {
				assert.Equal(t, filepath.Join(dir, tt.want[i]), p)
				data, err := os.ReadFile(p)
				require.NoError(t, err)
				assert.Contains(t, string(data), "JWT-SCOPE")
			}
			entries, err := os.ReadDir(dir)
			require.NoError(t, err)
			assert.Len(t, entries, len(tt.want), "only the named files are written")
		})
	}
}

func TestWriteAllNilReport(t *testing.T) {
	_, err := WriteAll(t.TempDir(), nil)
	assert.Error(t, err)
	for _, name := range Names() {
		w, _ := Lookup(name)
		assert.Error(t, w.Write(io.Discard, nil), name)
	}
}
