package mockspine_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/internal/loadtest"
	"github.com/nems-harness/nems-harness/mockspine"
)

// TestConcurrentRepeatsJudgedInJournalOrder sends messages in pairs, the
// two of a pair the same message sent at once, each pair a new message
// about a new record. The rules that remember must see the two one after
// the other, in the order the journal records them: the first is new, the
// second reuses its MessageHeader id and repeats its "new", and judging the
// journal again gives the verdicts given live.
func TestConcurrentRepeatsJudgedInJournalOrder(t *testing.T) {
	pairs := 150
	if testing.Short() {
		pairs = 40
	}
	s := newTestServer(t, nil)
	w := defaultWorld(t)
	fresh, err := loadtest.NewFresh(fixtureMessage(t, "xml"))
	require.NoError(t, err)
	header := publishHeader(t, w, "xml")
	send := func(body []byte) {
		req := httptest.NewRequest(http.MethodPost, mockspine.PublishPath, bytes.NewReader(body))
		req.Header = header.Clone()
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		assert.Equal(t, http.StatusAccepted, rec.Code, rec.Body.String())
	}
	for i := range pairs {
		body := fresh.Body(int64(i))
		start := make(chan struct{})
		var wg sync.WaitGroup
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				send(body)
			}()
		}
		close(start)
		wg.Wait()
	}

	entries := s.Journal().List(0)
	require.Len(t, entries, 2*pairs)
	for i, e := range entries {
		for _, rule := range []string{"EVT-MSGID-UNIQUE", "EVT-LIFECYCLE"} {
			v, ok := verdictOf(e, rule)
			require.True(t, ok, e.ID)
			if i%2 == 0 {
				assert.NotEqual(t, mockspine.Fail, v.Outcome, "entry %d, the first of its pair: %s %s", i, rule, v.Reason)
			} else {
				assert.Equal(t, mockspine.Fail, v.Outcome, "entry %d, the second of its pair: %s %s", i, rule, v.Reason)
			}
		}
	}
	r := newRejudger(s)
	for _, e := range entries {
		checkRejudgedAlike(t, r, e, false)
	}
}
