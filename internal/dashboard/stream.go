package dashboard

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/nems-harness/nems-harness/mockspine"
)

// streamLimits bound what one browser's live stream may cost. The journal
// never waits for a browser: entries queue in the browser's own watch
// buffer, and one that falls further behind than the buffer, or than the
// stream sends in one tick, is told to reload (and does, after a pause),
// rather than slow the mock down with a backlog. A browser that stops
// reading is cut off by the write deadline.
type streamLimits struct {
	buffer    int           // entries a browser may fall behind by
	tick      time.Duration // how often queued entries are sent
	perTick   int           // most entries sent in one tick
	heartbeat time.Duration // how often the held count is sent
	write     time.Duration // a write that takes longer ends the stream
	streams   int32         // most browsers streaming at once
}

var defaultStreamLimits = streamLimits{buffer: 512, tick: 100 * time.Millisecond, perTick: 100,
	heartbeat: 5 * time.Second, write: 10 * time.Second, streams: 32}

// events is the live stream (server-sent events): "entries" with the list
// lines of requests as they arrive and the count held (id: the last sequence number sent),
// "held" with the count held every few seconds, and "reload" when the
// browser fell behind. ?since=SEQ (or Last-Event-ID) sends the held
// entries after SEQ first.
func (d *Dashboard) events(w http.ResponseWriter, r *http.Request) {
	lim := d.stream
	select {
	case <-d.done:
		writeError(w, http.StatusServiceUnavailable, "the mock is shutting down")
		return
	default:
	}
	if d.streaming.Add(1) > lim.streams {
		d.streaming.Add(-1)
		writeError(w, http.StatusServiceUnavailable, fmt.Sprintf("%d dashboards are already streaming; close one", lim.streams))
		return
	}
	defer d.streaming.Add(-1)
	since, _ := strconv.ParseUint(r.URL.Query().Get("since"), 10, 64)
	if id := r.Header.Get("Last-Event-ID"); id != "" {
		if n, err := strconv.ParseUint(id, 10, 64); err == nil {
			since = n
		}
	}
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")

	watch := d.journal.Watch(lim.buffer)
	defer watch.Close()
	send := func(event string, data any, id uint64) bool {
		b, err := json.Marshal(data)
		if err != nil {
			return false
		}
		_ = rc.SetWriteDeadline(time.Now().Add(lim.write))
		msg := "event: " + event + "\n"
		if id > 0 {
			msg += "id: " + strconv.FormatUint(id, 10) + "\n"
		}
		msg += "data: " + string(b) + "\n\n"
		if _, err := w.Write([]byte(msg)); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	reload := func(why string) { send("reload", map[string]string{"reason": why}, 0) }
	w.WriteHeader(http.StatusOK)
	_ = rc.SetWriteDeadline(time.Now().Add(lim.write))
	if _, err := w.Write([]byte("retry: 3000\n\n")); err != nil {
		return
	}
	if !send("held", d.heldInfo(), 0) {
		return
	}

	// Catch up with what arrived after the browser's listing.
	sent := since
	if since > 0 {
		recent, _ := d.journal.Recent(0, lim.perTick+1)
		var missed []mockspine.Held
		for _, h := range recent {
			if h.Seq() > since {
				missed = append(missed, h)
			}
		}
		if len(missed) > lim.perTick {
			reload("more requests arrived than the page can be sent at once")
			return
		}
		if !d.sendEntries(send, missed, &sent) {
			return
		}
		for _, h := range recent {
			sent = max(sent, h.Seq())
		}
	}

	tick := time.NewTicker(lim.tick)
	defer tick.Stop()
	beat := time.NewTicker(lim.heartbeat)
	defer beat.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-d.done:
			return
		case <-watch.Lagging():
			reload("requests arrived faster than this page was reading them")
			return
		case <-beat.C:
			if !send("held", d.heldInfo(), 0) {
				return
			}
		case <-tick.C:
			var batch []mockspine.Held
		drain:
			for len(batch) <= lim.perTick {
				select {
				case h := <-watch.Entries():
					if h.Seq() > sent {
						batch = append(batch, h)
					}
				default:
					break drain
				}
			}
			if len(batch) > lim.perTick {
				reload("requests are arriving faster than the page is sent them")
				return
			}
			if len(batch) > 0 && !d.sendEntries(send, batch, &sent) {
				return
			}
		}
	}
}

// sendEntries sends entries as list lines, oldest first.
func (d *Dashboard) sendEntries(send func(string, any, uint64) bool, batch []mockspine.Held, sent *uint64) bool {
	if len(batch) == 0 {
		return true
	}
	sort.Slice(batch, func(i, j int) bool { return batch[i].Seq() < batch[j].Seq() })
	lines := make([]Summary, len(batch))
	for i, h := range batch {
		e := h.Entry()
		lines[i] = d.summarize(&e)
	}
	last := batch[len(batch)-1].Seq()
	*sent = max(*sent, last)
	return send("entries", map[string]any{"held": d.journal.HeldCount(), "lines": lines}, *sent)
}

func (d *Dashboard) heldInfo() map[string]any {
	return map[string]any{"held": d.journal.HeldCount(), "last": d.journal.Last()}
}
