package mockspine_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/internal/content"
	"github.com/nems-harness/nems-harness/mockspine"
)

// TestRunMemory sends NEMS_RUN_MESSAGES accepted publishes, each with a
// MessageHeader id and a focus record of its own (what the journal and the
// rules that remember keep the most of), and reports the heap and RSS the
// server then holds: bounded by the journal's and the history's bounds,
// however long the run.
func TestRunMemory(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("NEMS_RUN_MESSAGES"))
	if n == 0 {
		t.Skip("set NEMS_RUN_MESSAGES (e.g. 400000) to run")
	}
	w := defaultWorld(t)
	s := newTestServer(t, nil)
	msg := string(fixtureMessage(t, "xml"))
	// The MessageHeader id and the Immunization identifier, replaced by
	// ones of the same length in each request.
	_, rest, ok := strings.Cut(msg, "<MessageHeader>")
	require.True(t, ok)
	_, rest, _ = strings.Cut(rest, `<id value="`)
	id, _, _ := strings.Cut(rest, `"`)
	const focus = "IMM-2024-031158"
	require.Len(t, id, 36)
	require.Contains(t, msg, focus)
	h := publishHeader(t, w, "xml")
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for k := range workers {
		wg.Go(func() {
			for i := k; i < n; i += workers {
				body := strings.Replace(strings.Replace(msg, id, fmt.Sprintf("%08x", i)+id[8:], 1), focus, fmt.Sprintf("IMM-%011d", i), 1)
				r := httptest.NewRequest(http.MethodPost, mockspine.PublishPath, bytes.NewReader([]byte(body)))
				r.Header = h.Clone()
				rec := httptest.NewRecorder()
				s.ServeHTTP(rec, r)
				if rec.Code != http.StatusAccepted {
					t.Errorf("request %d: status %d", i, rec.Code)
					return
				}
			}
		})
	}
	wg.Wait()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	rss := ""
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for l := range strings.Lines(string(b)) {
			if strings.HasPrefix(l, "VmRSS:") || strings.HasPrefix(l, "VmHWM:") {
				rss += strings.Join(strings.Fields(l), " ") + " "
			}
		}
	}
	hist := s.Judge().History
	t.Logf("%d publishes: heap in use %d MB; %s; journal holds %d; history holds %d", n, ms.HeapInuse>>20, rss, s.Journal().HeldCount(), hist.Len())
	assert.LessOrEqual(t, hist.Len(), content.DefaultHistoryLimit)
}
