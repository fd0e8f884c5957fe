package reports

import (
	"bytes"
	"context"
	"flag"
	"html"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var updateScreenshot = flag.Bool("update-screenshot", false,
	"write testdata/report-screenshot.png from the Chromium screenshot (kept only under 300 KB)")

const (
	shotWidth, shotHeight = 1280, 2000
	maxCommittedShot      = 300 << 10
)

// findChromium returns a Chromium binary, or "" if there is none.
func findChromium() string {
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	return ""
}

// runChromium runs headless Chromium with its own profile directory and a
// time limit, and returns its standard output.
func runChromium(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	base := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir(),
	}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	cmd.WaitDelay = 5 * time.Second // children may hold the pipes open
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	require.NoError(t, err, "chromium %s\nstderr:\n%s", strings.Join(args, " "), stderr.String())
	return stdout.Bytes()
}

// TestHTMLRendersInChromium renders the sample report in headless Chromium:
// the screenshot must be a real, non-blank page of the requested size, and
// the DOM must hold every rule. It is skipped where no
// Chromium is installed.
func TestHTMLRendersInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short mode")
	}
	bin := findChromium()
	if bin == "" {
		t.Skip("no Chromium found (/usr/bin/chromium or chromium on PATH)")
	}
	dir := t.TempDir()
	r := sampleReport()
	paths, err := WriteAll(dir, r, "html")
	require.NoError(t, err)
	pageURL := "file://" + filepath.ToSlash(paths[0])

	t.Run("screenshot", func(t *testing.T) {
		shot := filepath.Join(dir, "report.png")
		runChromium(t, bin, "--window-size=1280,2000", "--screenshot="+shot, pageURL)
		data, err := os.ReadFile(shot)
		require.NoError(t, err, "no screenshot written")
		img, err := png.Decode(bytes.NewReader(data))
		require.NoError(t, err)
		assert.Equal(t, shotWidth, img.Bounds().Dx())
		assert.Equal(t, shotHeight, img.Bounds().Dy())
		assertNotBlank(t, img)
		if *updateScreenshot {
			saveScreenshot(t, data)
		}
	})

	t.Run("dom", func(t *testing.T) {
		dom := string(runChromium(t, bin, "--dump-dom", pageURL))
		require.NotEmpty(t, dom)
		for _, id := range ruleIDs(r) {
			assert.Contains(t, dom, `id="`+id+`"`)
		}
		assert.Contains(t, dom, `class="badge fail"`)
		assert.Contains(t, dom, `class="badge na"`)
		assert.Contains(t, dom, `<mark class="claim">`)
		assert.Contains(t, dom, "Assurance report: Riverside Child Health v4.2")
	})

	// layout runs a script in a copy of the page (the report itself has
	// none) to measure what Chromium laid out: with every fold opened, no
	// box scrolls inside the page, and the failures come before the table.
	t.Run("layout", func(t *testing.T) {
		page, err := os.ReadFile(paths[0])
		require.NoError(t, err)
		probe := filepath.Join(dir, "probe.html")
		require.NoError(t, os.WriteFile(probe, []byte(strings.Replace(string(page), "</body>", layoutProbe+"</body>", 1)), 0o644))
		dom := string(runChromium(t, bin, "--window-size=1280,2000", "--virtual-time-budget=3000", "--dump-dom", "file://"+filepath.ToSlash(probe)))
		m := regexp.MustCompile(`data-probe="([^"]*)"`).FindStringSubmatch(dom)
		require.NotNil(t, m, "the probe did not run")
		got := map[string]string{}
		for _, kv := range strings.Split(html.UnescapeString(m[1]), ";") {
			if k, v, ok := strings.Cut(kv, "="); ok {
				got[k] = v
			}
		}
		assert.Equal(t, "", got["scrolling"], "boxes that scroll inside the page")
		assert.NotEqual(t, "0", got["pres"], "no request or response shown")
		assert.Equal(t, "summary-h,failures-h,rules-h", got["sections"], "failures first, then every rule")
		assert.Equal(t, "scope", got["marked"], "the claim under test is marked in the decoded JWT")
		_, failed, _ := r.Counts()
		assert.Equal(t, strconv.Itoa(failed), got["contentsFailures"], "the contents link to each failed rule")
	})
}

// layoutProbe opens every fold, then records what an assessor would meet:
// boxes with their own scroll bars, the order of the sections, the marked
// claims and the contents' links to failures.
const layoutProbe = `<script>
document.querySelectorAll("details").forEach(d => { d.open = true; });
const scrolling = [];
const pres = document.querySelectorAll("pre, .message, td, .exchange > div");
pres.forEach((p, i) => {
  if (p.scrollHeight > p.clientHeight + 1 || p.scrollWidth > p.clientWidth + 1) {
    const cs = getComputedStyle(p);
    if (cs.overflowY !== "visible" || cs.overflowX !== "visible") scrolling.push(p.tagName + "." + p.className + "#" + i);
  }
});
const sections = [...document.querySelectorAll("main > section > h2")].map(h => h.id).join(",");
const marked = [...new Set([...document.querySelectorAll("#failures mark.claim")].map(m => (m.textContent.match(/"([^"]+)"/) || [])[1]))].join(",");
const contentsFailures = document.querySelectorAll('.contents a[href^="#fail-"]').length;
document.body.setAttribute("data-probe", ["scrolling=" + scrolling.join(","), "pres=" + pres.length, "sections=" + sections,
  "marked=" + marked, "contentsFailures=" + contentsFailures].join(";"));
</script>
`

// assertNotBlank samples a grid of pixels: the page must have several
// colours, a mostly light background, and the FAIL colour of the styles.
func assertNotBlank(t *testing.T, img image.Image) {
	t.Helper()
	b := img.Bounds()
	colours := map[[3]uint32]int{}
	samples, light, failRed := 0, 0, 0
	for y := b.Min.Y; y < b.Max.Y; y += 7 {
		for x := b.Min.X; x < b.Max.X; x += 7 {
			r, g, bl, _ := img.At(x, y).RGBA()
			r, g, bl = r>>8, g>>8, bl>>8
			colours[[3]uint32{r, g, bl}]++
			samples++
			if r > 200 && g > 200 && bl > 200 {
				light++
			}
			// The fail badge and borders: #b5122c.
			if near(r, 0xb5) && near(g, 0x12) && near(bl, 0x2c) {
				failRed++
			}
		}
	}
	most := 0
	for _, n := range colours {
		most = max(most, n)
	}
	assert.Greater(t, len(colours), 20, "too few colours: the page looks blank")
	assert.Less(t, float64(most)/float64(samples), 0.95, "one colour covers the page")
	assert.Greater(t, float64(light)/float64(samples), 0.5, "the page should be mostly light")
	assert.Greater(t, failRed, 0, "no FAIL colour: were the styles applied?")
}

func near(v, want uint32) bool { return v+12 >= want && v <= want+12 }

// saveScreenshot keeps a copy of the screenshot beside the tests if it is
// small enough to commit, reducing it to 256 colours first if need be.
func saveScreenshot(t *testing.T, data []byte) {
	t.Helper()
	if len(data) >= maxCommittedShot {
		img, err := png.Decode(bytes.NewReader(data))
		require.NoError(t, err)
		var buf bytes.Buffer
		enc := png.Encoder{CompressionLevel: png.BestCompression}
		require.NoError(t, enc.Encode(&buf, toPaletted(img)))
		data = buf.Bytes()
	}
	if len(data) >= maxCommittedShot {
		t.Logf("screenshot is %d bytes, over %d: not saved", len(data), maxCommittedShot)
		return
	}
	out := filepath.Join("testdata", "report-screenshot.png")
	require.NoError(t, os.WriteFile(out, data, 0o644))
	t.Logf("wrote %s (%d bytes)", out, len(data))
}

// toPaletted maps img onto its 256 most frequent colours, which for a page
// of flat colours and anti-aliased text looks the same and packs smaller.
func toPaletted(img image.Image) *image.Paletted {
	b := img.Bounds()
	counts := map[color.RGBA]int{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			counts[color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)]++
		}
	}
	all := make([]color.RGBA, 0, len(counts))
	for c := range counts {
		all = append(all, c)
	}
	sort.Slice(all, func(i, j int) bool {
		if counts[all[i]] != counts[all[j]] {
			return counts[all[i]] > counts[all[j]]
		}
		a, c := all[i], all[j]
		return uint32(a.R)<<16|uint32(a.G)<<8|uint32(a.B) < uint32(c.R)<<16|uint32(c.G)<<8|uint32(c.B)
	})
	pal := make(color.Palette, 0, 256)
	for _, c := range all[:min(256, len(all))] {
		pal = append(pal, c)
	}
	out := image.NewPaletted(b, pal)
	index := map[color.RGBA]uint8{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			i, ok := index[c]
			if !ok {
				i = uint8(pal.Index(c))
				index[c] = i
			}
			out.SetColorIndex(x, y, i)
		}
	}
	return out
}
