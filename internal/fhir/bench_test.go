package fhir

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// largeSize is just under the 3 MB (3,145,728 byte) body limit.
const largeSize = 3_000_000

// The fixture the benchmarks read: about 10 KB in XML.
const benchFixture = "vaccinations-1-new"

func readFixture(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureBundlesDir, name))
	require.NoError(tb, err)
	return b
}

// largeXML repeats every entry after the MessageHeader of a fixture until
// the bundle reaches size bytes. It returns the bundle and its entry count.
func largeXML(tb testing.TB, size int) ([]byte, int) {
	tb.Helper()
	src := readFixture(tb, benchFixture+".xml")
	first := bytes.Index(src, []byte("</entry>")) + len("</entry>")
	last := bytes.LastIndex(src, []byte("</Bundle>"))
	require.Greater(tb, first, len("</entry>"))
	require.Greater(tb, last, first)
	head, body, tail := src[:first], src[first:last], src[last:]
	perBody := bytes.Count(body, []byte("<entry>"))

	var out bytes.Buffer
	out.Grow(size + len(body))
	out.Write(head)
	entries := 1
	for out.Len()+len(tail) < size {
		out.Write(body)
		entries += perBody
	}
	out.Write(tail)
	return out.Bytes(), entries
}

// largeJSON does the same for the fixture's JSON form.
func largeJSON(tb testing.TB, size int) ([]byte, int) {
	tb.Helper()
	var doc map[string]any
	require.NoError(tb, json.Unmarshal(readFixture(tb, benchFixture+".json"), &doc))
	entries := doc["entry"].([]any)
	one, err := json.Marshal(entries[1:])
	require.NoError(tb, err)
	repeats := size/(len(one)-1) + 1
	all := append([]any{}, entries[0])
	for i := 0; i < repeats; i++ {
		all = append(all, entries[1:]...)
	}
	doc["entry"] = all
	out, err := json.Marshal(doc)
	require.NoError(tb, err)
	return out, len(all)
}

func TestReadLargeBundles(t *testing.T) {
	if testing.Short() {
		t.Skip("large bundles")
	}
	for _, format := range []string{FormatXML, FormatJSON} {
		t.Run(format, func(t *testing.T) {
			var body []byte
			var entries int
			if format == FormatXML {
				body, entries = largeXML(t, largeSize)
			} else {
				body, entries = largeJSON(t, largeSize)
			}
			require.GreaterOrEqual(t, len(body), largeSize)
			require.LessOrEqual(t, len(body), 3_145_728)

			// Two collections also empty the encoders' buffer pools used
			// to build the message.
			runtime.GC()
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			peak := watchHeap()
			b, err := Read(body, format)
			require.NoError(t, err)
			heapPeak := peak()
			runtime.GC()
			runtime.ReadMemStats(&after)
			runtime.KeepAlive(body)

			assert.Equal(t, entries, b.Entries)
			assert.Equal(t, "MessageHeader", b.FirstResource)
			require.NotNil(t, b.Header)
			assert.Equal(t, "vaccinations-1", b.Header.EventCode)
			// One routing demographics number, and one per Patient copy.
			assert.Len(t, b.NHSNumbers, 1+(entries-1)/7)

			// The facts kept are small beside the message: nothing of the
			// document is retained but what the Bundle reports.
			retained := int64(after.HeapAlloc) - int64(before.HeapAlloc)
			// The heap while reading: the message itself, the garbage the
			// decoders make between collections, and little else.
			t.Logf("%s: %d bytes, %d entries; heap before %d, peak while reading %d (sampled), retained after %d",
				format, len(body), entries, before.HeapAlloc, heapPeak, retained)
			assert.Less(t, retained, int64(largeSize/4))
			if heapPeak > 0 && os.Getenv("GOGC") == "" {
				assert.Less(t, heapPeak, uint64(3*largeSize), "peak heap stays under three times the message")
			}
			runtime.KeepAlive(b)
		})
	}
}

// benchmarkRead reads the body as the mock does: as a string, made once
// when the request is read.
func benchmarkRead(b *testing.B, raw []byte, format string) {
	body := string(raw)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Read(body, format); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadXML10KB(b *testing.B) {
	benchmarkRead(b, readFixture(b, benchFixture+".xml"), FormatXML)
}

func BenchmarkReadJSON(b *testing.B) {
	benchmarkRead(b, readFixture(b, benchFixture+".json"), FormatJSON)
}

func BenchmarkReadXML3MB(b *testing.B) {
	body, _ := largeXML(b, largeSize)
	benchmarkRead(b, body, FormatXML)
}

func BenchmarkReadJSON3MB(b *testing.B) {
	body, _ := largeJSON(b, largeSize)
	benchmarkRead(b, body, FormatJSON)
}

// watchHeap samples the bytes of heap objects (live and not yet swept)
// until the returned function is called, which returns the largest sample.
// Sampling can miss the very top, so the figure is a lower bound of the
// peak; it is good enough to catch a reader that holds the document.
func watchHeap() func() uint64 {
	var stop atomic.Bool
	var wg sync.WaitGroup
	var max uint64
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for !stop.Load() {
			metrics.Read(sample)
			if sample[0].Value.Kind() == metrics.KindUint64 {
				if v := sample[0].Value.Uint64(); v > max {
					max = v
				}
			}
			runtime.Gosched()
		}
	}()
	return func() uint64 {
		stop.Store(true)
		wg.Wait()
		return max
	}
}

// benchmarkReadDoc reads the body as mockspine's exchange does: the tree,
// the facts and, for XML, the schema walk, in one pass.
func benchmarkReadDoc(b *testing.B, raw []byte, format string) {
	body := string(raw)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, _, err := ReadDoc(body, format); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadDoc(b *testing.B) {
	for _, format := range []string{FormatXML, FormatJSON} {
		b.Run(format+"-10KB", func(b *testing.B) {
			benchmarkReadDoc(b, readFixture(b, benchFixture+"."+format), format)
		})
	}
	for _, format := range []string{FormatXML, FormatJSON} {
		b.Run(format+"-3MB", func(b *testing.B) {
			var body []byte
			if format == FormatXML {
				body, _ = largeXML(b, largeSize)
			} else {
				body, _ = largeJSON(b, largeSize)
			}
			benchmarkReadDoc(b, body, format)
		})
	}
}

// BenchmarkDocWalk measures the accessors the content rules call in
// loops: a walk over every element reading its name, value and url, and
// a dotted look-up from every entry's resource.
func BenchmarkDocWalk(b *testing.B) {
	for _, format := range []string{FormatXML, FormatJSON} {
		b.Run(format+"-10KB", func(b *testing.B) {
			_, doc, err := ReadDoc(string(readFixture(b, benchFixture+"."+format)), format)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				doc.Root.Walk(func(k Node) bool {
					if k.Name() == "reference" && k.HasValue() {
						n += len(k.Value())
					}
					n += len(k.URL())
					return k.Space() == ""
				})
				for _, e := range doc.Entries {
					if v, ok := e.Resource.Val("meta.profile"); ok {
						n += len(v)
					}
					n += len(e.Resource.All("identifier"))
				}
			}
			if n == 0 {
				b.Fatal("nothing read")
			}
		})
	}
}
