package dashboard_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/nems-harness/nems-harness/internal/dashboard"
	"github.com/nems-harness/nems-harness/mockspine"
)

// BenchmarkPublish measures a conforming publish through the mock with
// the dashboard mounted: with no browser, with one reading the live
// stream, and with one that stalled (connected, reading nothing). The
// publish path must cost the same in all three.
func BenchmarkPublish(b *testing.B) {
	for _, mode := range []string{"no-browser", "streaming", "stalled"} {
		b.Run(mode, func(b *testing.B) {
			h := newHarness(b)
			switch mode {
			case "streaming":
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, h.http.URL+dashboard.Prefix+"events", nil)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				go func() { _, _ = io.Copy(io.Discard, resp.Body) }()
			case "stalled":
				conn, err := net.Dial("tcp", h.http.Listener.Addr().String())
				if err != nil {
					b.Fatal(err)
				}
				defer conn.Close()
				_, _ = conn.Write([]byte("GET " + dashboard.Prefix + "events HTTP/1.1\r\nHost: x\r\n\r\n"))
			}
			time.Sleep(50 * time.Millisecond) // the stream is open
			proto := publishRequest(b, h.http.URL)
			body, _ := io.ReadAll(proto.Body)
			handler := dashboard.Mount(h.dash, h.srv)
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req := httptest.NewRequest(http.MethodPost, mockspine.PublishPath, bytes.NewReader(body))
					req.Header = proto.Header.Clone()
					rec := httptest.NewRecorder()
					handler.ServeHTTP(rec, req)
					if rec.Code != http.StatusAccepted {
						b.Fatalf("status %d: %s", rec.Code, rec.Body)
					}
				}
			})
		})
	}
}
