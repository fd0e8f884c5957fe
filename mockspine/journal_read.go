package mockspine

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
)

// Page returns at most limit entries with a sequence number above since,
// oldest first, and whether more follow. Only the entries returned are
// unpacked, so a page costs memory in proportion to itself, not to what the
// journal holds.
func (j *Journal) Page(since uint64, limit int) (entries []Entry, more bool) {
	if limit < 1 {
		return nil, j.Last() > since
	}
	j.mu.Lock()
	first := 0
	if !j.unordered {
		first = sort.Search(j.held, func(i int) bool { return j.at(i).seq > since })
	}
	// The packed entries are copied out (a few words each, sharing their
	// immutable data) and unpacked after the lock is released.
	picked := make([]storedEntry, 0, min(limit, j.held-first))
	for i := first; i < j.held; i++ {
		se := j.at(i)
		if se.seq <= since {
			continue
		}
		if len(picked) == limit {
			more = true
			break
		}
		picked = append(picked, *se)
	}
	j.mu.Unlock()
	entries = make([]Entry, len(picked))
	for i := range picked {
		entries[i] = picked[i].unpack()
	}
	return entries, more
}

// JournalScanner reads the entries of a journal file one at a time, so a
// journal of any size is read in memory bounded by its largest entry. As
// ReadJournal does, it ignores a torn last line (one without its newline,
// or damaged), left by a crash mid-write; damage elsewhere is an error.
type JournalScanner struct {
	br    *bufio.Reader
	line  int
	entry Entry
	err   error
	done  bool
	// Bytes counts the bytes of the complete lines read so far.
	Bytes int64
}

// NewJournalScanner reads a journal from r.
func NewJournalScanner(r io.Reader) *JournalScanner {
	return &JournalScanner{br: bufio.NewReaderSize(r, 1<<20)}
}

// Scan reads the next entry; it returns false at the end or on an error
// (see Err).
func (s *JournalScanner) Scan() bool {
	for !s.done {
		b, err := s.br.ReadBytes('\n')
		if len(b) > 0 && b[len(b)-1] == '\n' {
			s.line++
			line := bytes.TrimSpace(b)
			if len(line) == 0 {
				s.Bytes += int64(len(b))
				continue
			}
			var e Entry
			if jerr := json.Unmarshal(line, &e); jerr != nil {
				if _, perr := s.br.Peek(1); perr == io.EOF {
					s.done = true // a damaged last line
					return false
				}
				s.err, s.done = fmt.Errorf("line %d: %w", s.line, jerr), true
				return false
			}
			s.Bytes += int64(len(b))
			s.entry = e
			if errors.Is(err, io.EOF) {
				s.done = true
			}
			return true
		}
		s.done = true // the end, or a last line without newline: torn
		if err != nil && !errors.Is(err, io.EOF) {
			s.err = err
		}
	}
	return false
}

// Entry is the entry Scan read.
func (s *JournalScanner) Entry() Entry { return s.entry }

// Err is the error that stopped Scan, nil at a clean end.
func (s *JournalScanner) Err() error { return s.err }
