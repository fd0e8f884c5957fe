package mockspine

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// TestReadAnnouncedAsReadFrom: a body read at its announced length is
// read as a body of unknown length is, whether it is as long as
// announced, shorter, longer, or fails.
func TestReadAnnouncedAsReadFrom(t *testing.T) {
	boom := errors.New("boom")
	body := strings.Repeat("<a/>", 100)
	readers := map[string]func() io.Reader{
		"whole":    func() io.Reader { return strings.NewReader(body) },
		"one byte": func() io.Reader { return iotest.OneByteReader(strings.NewReader(body)) },
		"data+EOF": func() io.Reader { return iotest.DataErrReader(strings.NewReader(body)) },
		"fails":    func() io.Reader { return io.MultiReader(strings.NewReader(body[:50]), iotest.ErrReader(boom)) },
		"cut short": func() io.Reader {
			return io.MultiReader(strings.NewReader(body[:50]), iotest.ErrReader(io.ErrUnexpectedEOF))
		},
		"fails late": func() io.Reader { return io.MultiReader(strings.NewReader(body), iotest.ErrReader(boom)) },
		"empty":      func() io.Reader { return strings.NewReader("") },
	}
	for name, rd := range readers {
		for _, n := range []int{1, 50, len(body) - 1, len(body), len(body) + 1} {
			ws, wt, werr := readFrom(rd())
			gs, gt, gerr := readAnnounced(rd(), n)
			if gs != ws || gt != wt || !errors.Is(gerr, werr) && gerr != werr {
				t.Errorf("%s, announced %d: got %d bytes, %v, %v; want %d bytes, %v, %v", name, n, len(gs), gt, gerr, len(ws), wt, werr)
			}
		}
	}
}
