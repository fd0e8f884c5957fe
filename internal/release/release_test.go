package release

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheckVersion(t *testing.T) {
	for _, tc := range []struct {
		v  string
		ok bool
	}{
		{"v1.2.3", true}, {"v0.0.1", true}, {"v1.2.3-rc.1", true}, {"v10.20.30+build.5", true},
		{"1.2.3", false}, {"v1.2", false}, {"", false}, {"v1.2.3 ", false}, {"v1.2.3;rm", false}, {"vX.Y.Z", false},
	} {
		err := CheckVersion(tc.v)
		assert.Equal(t, tc.ok, err == nil, "%q: %v", tc.v, err)
	}
}

func TestParseTarget(t *testing.T) {
	got, err := ParseTarget("linux/arm64")
	require.NoError(t, err)
	assert.Equal(t, Target{"linux", "arm64"}, got)
	for _, bad := range []string{"linux", "/amd64", "linux/", "a/b/c", ""} {
		_, err := ParseTarget(bad)
		assert.Error(t, err, bad)
	}
}

func TestBuildEnvFixesWhatChangesOutput(t *testing.T) {
	env := buildEnv([]string{"PATH=/bin", "GOFLAGS=-race", "CGO_ENABLED=1", "GOAMD64=v3", "GOOS=plan9"}, Target{"darwin", "arm64"})
	m := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		_, dup := m[k]
		assert.False(t, dup, "%s set twice", k)
		m[k] = v
	}
	assert.Equal(t, "/bin", m["PATH"])
	assert.Equal(t, "", m["GOFLAGS"])
	assert.Equal(t, "0", m["CGO_ENABLED"])
	assert.Equal(t, "v1", m["GOAMD64"])
	assert.Equal(t, "darwin", m["GOOS"])
	assert.Equal(t, "arm64", m["GOARCH"])
}

var sampleFiles = []File{
	{Name: "nems-harness", Mode: 0o755, Data: []byte("\x7fELF binary")},
	{Name: "README.md", Mode: 0o644, Data: []byte("# readme\n")},
	{Name: "LICENSE", Mode: 0o644, Data: bytes.Repeat([]byte("Apache "), 100)},
}

func reversed(fs []File) []File {
	out := make([]File, len(fs))
	for i, f := range fs {
		out[len(fs)-1-i] = f
	}
	return out
}

func TestTarGzIsDeterministic(t *testing.T) {
	mtime := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	var a, b bytes.Buffer
	require.NoError(t, WriteTarGz(&a, "nh_v1.0.0_linux_amd64", sampleFiles, mtime))
	require.NoError(t, WriteTarGz(&b, "nh_v1.0.0_linux_amd64", reversed(sampleFiles), mtime.In(time.FixedZone("X", 3600))))
	assert.Equal(t, a.Bytes(), b.Bytes(), "order of the files or the time zone changed the archive")

	gz, err := gzip.NewReader(bytes.NewReader(a.Bytes()))
	require.NoError(t, err)
	assert.Empty(t, gz.Name)
	assert.True(t, gz.ModTime.IsZero() || gz.ModTime.Unix() == 0)
	tr := tar.NewReader(gz)
	var names []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		names = append(names, h.Name)
		assert.Zero(t, h.Uid, h.Name)
		assert.Zero(t, h.Gid, h.Name)
		assert.Empty(t, h.Uname, h.Name)
		assert.Empty(t, h.Gname, h.Name)
		assert.True(t, h.ModTime.Equal(mtime), "%s: %v", h.Name, h.ModTime)
		assert.Empty(t, h.PAXRecords, h.Name)
		switch h.Name {
		case "nh_v1.0.0_linux_amd64/nems-harness":
			assert.Equal(t, int64(0o755), h.Mode)
			data, _ := io.ReadAll(tr)
			assert.Equal(t, sampleFiles[0].Data, data)
		case "nh_v1.0.0_linux_amd64/":
			assert.Equal(t, byte(tar.TypeDir), h.Typeflag)
		default:
			assert.Equal(t, int64(0o644), h.Mode, h.Name)
		}
	}
	assert.Equal(t, []string{"nh_v1.0.0_linux_amd64/", "nh_v1.0.0_linux_amd64/LICENSE",
		"nh_v1.0.0_linux_amd64/README.md", "nh_v1.0.0_linux_amd64/nems-harness"}, names)

	var c bytes.Buffer
	require.NoError(t, WriteTarGz(&c, "nh_v1.0.0_linux_amd64", sampleFiles, mtime.Add(time.Hour)))
	assert.NotEqual(t, a.Bytes(), c.Bytes(), "the modification time should be in the archive")
}

func TestZipIsDeterministic(t *testing.T) {
	mtime := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	var a, b bytes.Buffer
	require.NoError(t, WriteZip(&a, "nh_v1.0.0_windows_amd64", sampleFiles, mtime))
	require.NoError(t, WriteZip(&b, "nh_v1.0.0_windows_amd64", reversed(sampleFiles), mtime.In(time.FixedZone("X", -5*3600))))
	assert.Equal(t, a.Bytes(), b.Bytes())

	zr, err := zip.NewReader(bytes.NewReader(a.Bytes()), int64(a.Len()))
	require.NoError(t, err)
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		assert.True(t, f.Modified.Equal(mtime), "%s: %v", f.Name, f.Modified)
		if f.Name == "nh_v1.0.0_windows_amd64/nems-harness" {
			assert.Equal(t, os.FileMode(0o755), f.Mode().Perm())
			rc, err := f.Open()
			require.NoError(t, err)
			data, _ := io.ReadAll(rc)
			rc.Close()
			assert.Equal(t, sampleFiles[0].Data, data)
		}
	}
	assert.Equal(t, []string{"nh_v1.0.0_windows_amd64/", "nh_v1.0.0_windows_amd64/LICENSE",
		"nh_v1.0.0_windows_amd64/README.md", "nh_v1.0.0_windows_amd64/nems-harness"}, names)
}

func TestBuildRejectsBadOptions(t *testing.T) {
	_, err := Build(context.Background(), Options{Version: "1.0", Package: ".", Name: "x", Out: t.TempDir()})
	assert.ErrorContains(t, err, "vMAJOR.MINOR.PATCH")
	_, err = Build(context.Background(), Options{Version: "v1.0.0", Name: "x", Out: t.TempDir()})
	assert.Error(t, err)
}

// TestReproducibleBuild builds the release for this machine's platform
// twice, into two folders, and requires the same bytes; the binary from
// the archive must report the stamped version. make release-check does the
// same for every platform.
func TestReproducibleBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short mode: it compiles the harness twice")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	host := Target{runtime.GOOS, runtime.GOARCH}
	build := func() Artifact {
		arts, err := Build(context.Background(), Options{
			Version: "v9.8.7-test", Package: "./cmd/nems-harness", Name: "nems-harness",
			VersionVar: "main.buildVersion", Dir: root, Out: t.TempDir(), Targets: []Target{host},
			Extra: []string{"LICENSE", "README.md"},
		})
		require.NoError(t, err)
		require.Len(t, arts, 1)
		sums, err := os.ReadFile(filepath.Join(filepath.Dir(arts[0].Path), "SHA256SUMS"))
		require.NoError(t, err)
		assert.Equal(t, arts[0].SHA256+"  "+filepath.Base(arts[0].Path)+"\n", string(sums))
		return arts[0]
	}
	a, b := build(), build()
	assert.Equal(t, a.SHA256, b.SHA256, "two builds of the same source differ")

	bin := extractBinary(t, a, host)
	out, err := exec.Command(bin, "version").CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Equal(t, "nems-harness v9.8.7-test\n", string(out))
}

// extractBinary writes the archive's binary to a temporary file.
func extractBinary(t *testing.T, a Artifact, host Target) string {
	t.Helper()
	name := "nems-harness"
	if host.OS == "windows" {
		name += ".exe"
	}
	want := ArchiveBase("nems-harness", "v9.8.7-test", host) + "/" + name
	var data []byte
	if host.OS == "windows" {
		zr, err := zip.OpenReader(a.Path)
		require.NoError(t, err)
		defer zr.Close()
		for _, f := range zr.File {
			if f.Name == want {
				rc, err := f.Open()
				require.NoError(t, err)
				data, _ = io.ReadAll(rc)
				rc.Close()
			}
		}
	} else {
		f, err := os.Open(a.Path)
		require.NoError(t, err)
		defer f.Close()
		gz, err := gzip.NewReader(f)
		require.NoError(t, err)
		tr := tar.NewReader(gz)
		for {
			h, err := tr.Next()
			if err == io.EOF {
				break
			}
			require.NoError(t, err)
			if h.Name == want {
				data, _ = io.ReadAll(tr)
			}
		}
	}
	require.NotEmpty(t, data, "no %s in %s", want, a.Path)
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, data, 0o755))
	return p
}
