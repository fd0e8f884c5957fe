package dashboard_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/internal/dashboard"
)

// sseEvent is one server-sent event.
type sseEvent struct {
	name, id, data string
}

// openStream opens the live stream and returns its events as they come.
func openStream(t *testing.T, h *harness, query string) (<-chan sseEvent, context.CancelFunc) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, h.http.URL+dashboard.Prefix+"events"+query, nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
	out := make(chan sseEvent, 100)
	go func() {
		defer close(out)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(nil, 4<<20)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.name != "" {
					out <- ev
				}
				ev = sseEvent{}
			case strings.HasPrefix(line, "event: "):
				ev.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "id: "):
				ev.id = strings.TrimPrefix(line, "id: ")
			case strings.HasPrefix(line, "data: "):
				ev.data = strings.TrimPrefix(line, "data: ")
			}
		}
	}()
	t.Cleanup(cancel)
	return out, cancel
}

// next waits for the next event of a name, skipping others; the limit
// only stops a broken test from hanging.
func next(t *testing.T, events <-chan sseEvent, name string) sseEvent {
	t.Helper()
	limit := time.After(20 * time.Second)
	for {
		select {
		case ev, ok := <-events:
			require.True(t, ok, "the stream ended before a %q event", name)
			if ev.name == name {
				return ev
			}
		case <-limit:
			t.Fatalf("no %q event", name)
		}
	}
}

// TestStreamSendsEachPublishAsItArrives: a publish sent after the stream
// opened comes as a list line; one sent before it, after the listing the
// page holds, is caught up.
func TestStreamSendsEachPublishAsItArrives(t *testing.T) {
	h := newHarness(t)
	send(t, publishRequest(t, h.http.URL)) // r1: in the page's listing
	send(t, badScope(t, h.http.URL))       // r2: after the listing, before the stream
	events, _ := openStream(t, h, "?since=1")
	held := next(t, events, "held")
	assert.Contains(t, held.data, `"held":2`)

	ev := next(t, events, "entries")
	var batch struct {
		Held  int                 `json:"held"`
		Lines []dashboard.Summary `json:"lines"`
	}
	require.NoError(t, json.Unmarshal([]byte(ev.data), &batch))
	require.Equal(t, []string{"r2"}, ids(batch.Lines))
	assert.Equal(t, 2, batch.Held)
	assert.Equal(t, "2", ev.id)

	send(t, badScope(t, h.http.URL)) // r3: live
	ev = next(t, events, "entries")
	require.NoError(t, json.Unmarshal([]byte(ev.data), &batch))
	require.Equal(t, []string{"r3"}, ids(batch.Lines))
	assert.Equal(t, []dashboard.Chip{{Rule: "JWT-SCOPE", Kind: "fail"}}, failChips(batch.Lines[0].Chips))
}

// TestStalledBrowserNeverHoldsPublishes: with a stream that reads nothing
// and falls behind its buffer, every publish is still answered, and the
// stream tells the browser to reload.
func TestStalledBrowserNeverHoldsPublishes(t *testing.T) {
	h := newHarness(t)
	h.dash.SetStreamLimits(8, 4, time.Hour) // nothing is sent until the browser has fallen behind
	events, _ := openStream(t, h, "")
	for i := 0; i < 50; i++ {
		require.Equal(t, http.StatusAccepted, send(t, publishRequest(t, h.http.URL)))
	}
	ev := next(t, events, "reload")
	assert.Contains(t, ev.data, "faster")
	_, open := <-events
	assert.False(t, open, "the stream ends after telling the browser to reload")
}

// TestStreamThatFallsBehindReloads: more entries to catch up on than the
// stream sends at once mean reload, not a backlog.
func TestStreamThatFallsBehindReloads(t *testing.T) {
	h := newHarness(t)
	h.dash.SetStreamLimits(100, 4, time.Hour)
	for i := 0; i < 10; i++ {
		send(t, publishRequest(t, h.http.URL))
	}
	// A page whose listing ended at r1 asks to catch up on 9, more than
	// may be sent at once: it is told to reload straight away.
	late, _ := openStream(t, h, "?since=1")
	ev := next(t, late, "reload")
	assert.Contains(t, ev.data, "more requests arrived")
}

// TestCloseEndsStreams: a server shutting down is not held by open streams.
func TestCloseEndsStreams(t *testing.T) {
	h := newHarness(t)
	events, _ := openStream(t, h, "")
	next(t, events, "held")
	h.dash.Close()
	for range events {
	}
	resp, err := http.Get(h.http.URL + dashboard.Prefix + "events")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
}
