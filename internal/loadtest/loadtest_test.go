package loadtest_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/fixtures"
	"github.com/nems-harness/nems-harness/internal/loadtest"
	"github.com/nems-harness/nems-harness/mockspine"
	"github.com/nems-harness/nems-harness/publish"
)

var sender = publish.Sender{ASID: "200000000115", ODS: "RX3EP"}

func startMock(t *testing.T) (string, *mockspine.Server) {
	t.Helper()
	w, err := fixtures.Default()
	require.NoError(t, err)
	s, err := mockspine.NewServer(mockspine.Config{World: w})
	require.NoError(t, err)
	base, stop, err := loadtest.Listen(s)
	require.NoError(t, err)
	t.Cleanup(stop)
	return base + mockspine.PublishPath, s
}

func config(url string) loadtest.Config {
	return loadtest.Config{URL: url, Concurrency: 4, Duration: 300 * time.Millisecond, Sender: sender, NEMSASID: "999999999999"}
}

// TestRunAgainstTheMock: the default load is a conforming publish, so the
// mock accepts every request, and journals each.
func TestRunAgainstTheMock(t *testing.T) {
	url, s := startMock(t)
	var mu sync.Mutex
	seen := map[int64]int{}
	cfg := config(url)
	cfg.Prepare = func(i int64, h http.Header) {
		if i%3 == 2 {
			h.Set("toASID", "200000000205") // a bad publish now and then
		}
	}
	cfg.Observe = func(i int64, status int, err error) {
		mu.Lock()
		defer mu.Unlock()
		assert.NoError(t, err)
		seen[i] = status
	}
	r, err := loadtest.Run(context.Background(), cfg)
	require.NoError(t, err)
	require.Positive(t, r.Requests)
	assert.Zero(t, r.Errors, r.FirstError)
	assert.Equal(t, r.Status[403], r.Non202)
	assert.Positive(t, r.Status[202])
	assert.Len(t, seen, int(r.Requests))
	for i, st := range seen {
		if i%3 == 2 {
			assert.Equal(t, 403, st)
		} else {
			assert.Equal(t, 202, st)
		}
	}
	assert.Equal(t, uint64(r.Requests), s.Journal().Last())
	assert.Positive(t, r.Throughput)
	assert.LessOrEqual(t, r.P50, r.P90)
	assert.LessOrEqual(t, r.P90, r.P99)
	assert.LessOrEqual(t, r.P99, r.Max)
}

// TestRunWithARateLimit starts no more requests than the rate allows.
func TestRunWithARateLimit(t *testing.T) {
	base, stop, err := loadtest.Listen(loadtest.BareHandler())
	require.NoError(t, err)
	defer stop()
	cfg := config(base + mockspine.PublishPath)
	cfg.Rate = 100
	r, err := loadtest.Run(context.Background(), cfg)
	require.NoError(t, err)
	assert.Zero(t, r.Errors, r.FirstError)
	assert.LessOrEqual(t, r.Requests, int64(30), "0.3 s at 100 req/s")
	assert.Positive(t, r.Requests)
}

// TestCompare runs the comparison in miniature.
func TestCompare(t *testing.T) {
	mockURL, _ := startMock(t)
	bare, stop, err := loadtest.Listen(loadtest.BareHandler())
	require.NoError(t, err)
	defer stop()
	cfg := config("")
	cfg.Duration = 200 * time.Millisecond
	c, err := loadtest.Compare(context.Background(), cfg, mockURL, bare+mockspine.PublishPath)
	require.NoError(t, err)
	for _, r := range []*loadtest.Result{c.Mock, c.Bare, c.MockHalf, c.BareHalf} {
		assert.Zero(t, r.Errors, r.FirstError)
		assert.Zero(t, r.Non202, r.FirstError)
		assert.Positive(t, r.Requests)
	}
	assert.InDelta(t, c.Mock.Throughput/c.Bare.Throughput, c.Ratio, 1e-9)
	assert.InDelta(t, c.Mock.Throughput/2, c.HalfRate, 1e-9)
}

// TestRunCountsConnectionFailures: nothing listening is a failure per
// request, not a hang or a crash.
func TestRunCountsConnectionFailures(t *testing.T) {
	base, stop, err := loadtest.Listen(loadtest.BareHandler())
	require.NoError(t, err)
	stop()
	cfg := config(base + mockspine.PublishPath)
	cfg.Duration = 100 * time.Millisecond
	r, err := loadtest.Run(context.Background(), cfg)
	require.NoError(t, err)
	assert.Zero(t, r.Requests)
	assert.Positive(t, r.Errors)
	assert.NotEmpty(t, r.FirstError)
}

func TestPercentile(t *testing.T) {
	ms := func(n ...int) []time.Duration {
		var out []time.Duration
		for _, v := range n {
			out = append(out, time.Duration(v)*time.Millisecond)
		}
		return out
	}
	assert.Zero(t, loadtest.Percentile(nil, 50))
	s := ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)
	assert.Equal(t, 5*time.Millisecond, loadtest.Percentile(s, 50))
	assert.Equal(t, 9*time.Millisecond, loadtest.Percentile(s, 90))
	assert.Equal(t, 10*time.Millisecond, loadtest.Percentile(s, 99))
	assert.Equal(t, 10*time.Millisecond, loadtest.Percentile(s, 100))
	assert.Equal(t, 7*time.Millisecond, loadtest.Percentile(ms(7), 1))
}

func TestDescribe(t *testing.T) {
	for _, name := range []string{"nipe-outcome-1-new.xml", "newborn-hearing-1-update.json"} {
		b, err := fixtures.Bundle(name)
		require.NoError(t, err)
		ct, ev, err := loadtest.Describe(b)
		require.NoError(t, err)
		if name[len(name)-4:] == "json" {
			assert.Equal(t, "application/fhir+json", ct)
			assert.Equal(t, "newborn-hearing-1", ev)
		} else {
			assert.Equal(t, "application/fhir+xml", ct)
			assert.Equal(t, "nipe-outcome-1", ev)
		}
	}
	_, _, err := loadtest.Describe([]byte("<not-fhir/>"))
	assert.Error(t, err)
}
