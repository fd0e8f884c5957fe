// Package ansi makes coloured terminal output plain. godog can leave out
// colours itself, but it then writes every file formatter's output (cucumber
// JSON, JUnit) one character per system call; so the runners keep godog
// coloured and strip the colours from the progress output alone.
package ansi

import (
	"io"
	"sync"
)

// Strip returns a writer that passes on what is written to it without ANSI
// CSI sequences (ESC [ … letter), across writes. It is safe for concurrent
// use.
func Strip(w io.Writer) io.Writer { return &plainWriter{out: w} }

type plainWriter struct {
	mu  sync.Mutex
	out io.Writer
	// state: 0 text, 1 after ESC, 2 inside a CSI sequence.
	state int
	buf   []byte
}

func (w *plainWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = w.buf[:0]
	for _, c := range p {
		switch w.state {
		case 0:
			if c == 0x1b {
				w.state = 1
				continue
			}
			w.buf = append(w.buf, c)
		case 1:
			if c == '[' {
				w.state = 2
				continue
			}
			w.state = 0
			w.buf = append(w.buf, 0x1b, c)
		case 2:
			if (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '@' {
				w.state = 0
			}
		}
	}
	if len(w.buf) > 0 {
		if _, err := w.out.Write(w.buf); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}
