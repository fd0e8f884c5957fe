package release

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
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

// containerTool returns podman or docker when one can build images here.
func containerTool(t *testing.T) string {
	t.Helper()
	for _, tool := range []string{"podman", "docker"} {
		if _, err := exec.LookPath(tool); err != nil {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		err := exec.CommandContext(ctx, tool, "info").Run()
		cancel()
		if err == nil {
			return tool
		}
	}
	return ""
}

func runTool(t *testing.T, tool string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, tool, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "%s %s\n%s", tool, strings.Join(args, " "), stderr.String())
	return stdout.Bytes()
}

// TestContainerImage builds the image from the Containerfile and checks
// its configuration, then takes the binary out of the image's exported root
// file system and runs it. Running the container itself is not needed (and
// not possible on every machine that can build images).
func TestContainerImage(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short mode: it builds a container image")
	}
	if runtime.GOOS != "linux" {
		t.Skip("the image's binary runs only on linux")
	}
	tool := containerTool(t)
	if tool == "" {
		t.Skip("neither podman nor docker can build images here")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	const version = "v9.8.7-image"
	stage := filepath.Join(t.TempDir(), "image")
	require.NoError(t, StageImage(context.Background(), Options{
		Version: version, Package: "./cmd/nems-harness", Name: "nems-harness", VersionVar: "main.buildVersion",
		Dir: root, Extra: []string{"LICENSE", "README.md"},
	}, runtime.GOARCH, stage))

	tag := fmt.Sprintf("localhost/nems-harness-test:%d", time.Now().UnixNano())
	build := []string{"build", "-f", filepath.Join(root, "Containerfile"), "-t", tag, "--build-arg", "VERSION=" + version}
	if tool == "podman" {
		// The OCI format drops HEALTHCHECK; without layers no
		// intermediate image outlives the test.
		build = append(build, "--format", "docker", "--layers=false")
	}
	runTool(t, tool, append(build, stage)...)
	t.Cleanup(func() { _ = exec.Command(tool, "rmi", "-f", tag).Run() })

	var inspected []struct {
		Config struct {
			User         string
			Entrypoint   []string
			Cmd          []string
			Env          []string
			WorkingDir   string
			ExposedPorts map[string]any
			Labels       map[string]string
			Healthcheck  *struct{ Test []string }
		}
		Healthcheck *struct{ Test []string }
	}
	require.NoError(t, json.Unmarshal(runTool(t, tool, "image", "inspect", tag), &inspected))
	require.Len(t, inspected, 1)
	cfg := inspected[0].Config
	assert.Equal(t, "65532:65532", cfg.User, "a numeric, non-root user")
	assert.Equal(t, []string{"/nems-harness"}, cfg.Entrypoint)
	assert.Equal(t, []string{"serve"}, cfg.Cmd)
	assert.Equal(t, "/work", cfg.WorkingDir)
	assert.Contains(t, cfg.Env, "NEMS_HARNESS_ADDR=0.0.0.0:4854", "the mock must listen on every interface inside")
	assert.Contains(t, cfg.ExposedPorts, "4854/tcp")
	assert.Equal(t, "https://github.com/nems-harness/nems-harness", cfg.Labels["org.opencontainers.image.source"])
	assert.Equal(t, version, cfg.Labels["org.opencontainers.image.version"])
	assert.Equal(t, "Apache-2.0", cfg.Labels["org.opencontainers.image.licenses"])
	hc := cfg.Healthcheck // docker
	if hc == nil {
		hc = inspected[0].Healthcheck // podman
	}
	require.NotNil(t, hc, "no health check")
	assert.Equal(t, []string{"CMD", "/nems-harness", "health"}, hc.Test)

	// The root file system: the binary, the licence, and folders the user owns.
	id := strings.TrimSpace(string(runTool(t, tool, "create", tag)))
	t.Cleanup(func() { _ = exec.Command(tool, "rm", "-f", id).Run() })
	fsTar := runTool(t, tool, "export", id)
	files := map[string]*tar.Header{}
	var bin []byte
	tr := tar.NewReader(bytes.NewReader(fsTar))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		name := strings.TrimSuffix(strings.TrimPrefix(h.Name, "./"), "/")
		files[name] = h
		if name == "nems-harness" {
			bin, err = io.ReadAll(tr)
			require.NoError(t, err)
		}
	}
	require.NotEmpty(t, bin, "no /nems-harness in the image")
	assert.Equal(t, 0, files["nems-harness"].Uid, "the binary belongs to root, so the user cannot change it")
	assert.Contains(t, files, "usr/share/doc/nems-harness/LICENSE")
	for _, d := range []string{"work", "tmp"} {
		require.Contains(t, files, d)
		assert.Equal(t, 65532, files[d].Uid, "/%s must be writable by the user", d)
	}
	assert.NotContains(t, files, "bin/sh", "the base must be empty")

	p := filepath.Join(t.TempDir(), "nems-harness")
	require.NoError(t, os.WriteFile(p, bin, 0o755))
	out, err := exec.Command(p, "version").CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Equal(t, "nems-harness "+version+"\n", string(out))
}
