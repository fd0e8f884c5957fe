package mockspine

import (
	"bufio"
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"
)

// Entry is one request the mock saw, with its judgement and answer: the
// evidence behind every verdict.
type Entry struct {
	ID            string      `json:"id"`
	Seq           uint64      `json:"seq"`
	Received      time.Time   `json:"received"`
	Remote        string      `json:"remote,omitempty"`
	Method        string      `json:"method"`
	Path          string      `json:"path"`
	Query         string      `json:"query,omitempty"`
	Header        http.Header `json:"header"`
	Body          string      `json:"body"`
	BodyBase64    bool        `json:"bodyBase64,omitempty"`
	BodyTruncated bool        `json:"bodyTruncated,omitempty"`
	TLS           bool        `json:"tls,omitempty"`
	// ClientCertificates are the PEM certificates the client presented.
	ClientCertificates []string  `json:"clientCertificates,omitempty"`
	JWT                *JWTInfo  `json:"jwt,omitempty"`
	Profile            Profile   `json:"profile,omitempty"`
	Verdicts           []Verdict `json:"verdicts,omitempty"`
	Response           Reply     `json:"response"`
}

// JWTInfo is the decoded token, for people reading the evidence.
type JWTInfo struct {
	Header json.RawMessage `json:"header,omitempty"`
	Claims json.RawMessage `json:"claims,omitempty"`
}

// Reply is the answer as recorded.
type Reply struct {
	Status int         `json:"status"`
	Header http.Header `json:"header,omitempty"`
	Body   string      `json:"body,omitempty"`
}

// setBody records a body losslessly: as text when it is UTF-8, else base64.
func (e *Entry) setBody(b []byte) {
	if utf8.Valid(b) {
		e.Body = string(b)
		return
	}
	e.Body, e.BodyBase64 = base64.StdEncoding.EncodeToString(b), true
}

// Request rebuilds the request an entry recorded, to judge it again.
func (e *Entry) Request() (Request, error) {
	body := []byte(e.Body)
	if e.BodyBase64 {
		b, err := base64.StdEncoding.DecodeString(e.Body)
		if err != nil {
			return Request{}, fmt.Errorf("entry %s: body: %w", e.ID, err)
		}
		body = b
	}
	req := Request{Method: e.Method, Path: e.Path, Header: e.Header.Clone(), Body: body,
		BodyTruncated: e.BodyTruncated, TLS: e.TLS}
	for _, p := range e.ClientCertificates {
		blk, _ := pem.Decode([]byte(p))
		if blk == nil {
			return Request{}, fmt.Errorf("entry %s: client certificate is not PEM", e.ID)
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return Request{}, fmt.Errorf("entry %s: client certificate: %w", e.ID, err)
		}
		req.PeerCertificates = append(req.PeerCertificates, c)
	}
	return req, nil
}

// DefaultJournalLimit bounds how many entries the journal keeps in memory;
// the file, when there is one, keeps them all.
const DefaultJournalLimit = 100_000

// Journal records every request: in memory, and appended to a JSON-lines
// file (synced before the answer is sent) when one is given. It is safe for
// concurrent use.
type Journal struct {
	mu      sync.Mutex
	entries []Entry
	seq     uint64
	limit   int
	file    *os.File
	w       *bufio.Writer
}

// NewJournal makes a memory-only journal.
func NewJournal() *Journal { return &Journal{limit: DefaultJournalLimit} }

// OpenJournal opens (or creates) a journal file, loading the entries it
// already holds. A torn last line, left by a crash mid-write, is cut off.
func OpenJournal(path string) (*Journal, error) {
	j := NewJournal()
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("opening journal: %w", err)
	}
	entries, good, err := readEntries(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("reading journal %s: %w", path, err)
	}
	if err := f.Truncate(good); err != nil {
		f.Close()
		return nil, fmt.Errorf("repairing journal %s: %w", path, err)
	}
	if _, err := f.Seek(good, io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("repairing journal %s: %w", path, err)
	}
	for _, e := range entries {
		j.keep(e)
		j.seq = max(j.seq, e.Seq)
	}
	j.file, j.w = f, bufio.NewWriterSize(f, 64<<10)
	return j, nil
}

// ReadJournal reads a journal file, ignoring a torn last line.
func ReadJournal(path string) ([]Entry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading journal: %w", err)
	}
	defer f.Close()
	entries, _, err := readEntries(f)
	if err != nil {
		return nil, fmt.Errorf("reading journal %s: %w", path, err)
	}
	return entries, nil
}

// readEntries decodes JSON lines, returning the entries and the offset just
// after the last complete, valid line. Only the last line may be damaged.
func readEntries(r io.Reader) ([]Entry, int64, error) {
	br := bufio.NewReaderSize(r, 1<<20)
	var entries []Entry
	var good int64
	line := 0
	for {
		b, err := br.ReadBytes('\n')
		line++
		if len(b) > 0 && b[len(b)-1] == '\n' {
			var e Entry
			if jerr := json.Unmarshal(bytes.TrimSpace(b), &e); jerr != nil {
				if _, perr := br.Peek(1); perr == io.EOF {
					return entries, good, nil // torn or damaged last line
				}
				return nil, 0, fmt.Errorf("line %d: %w", line, jerr)
			}
			entries = append(entries, e)
			good += int64(len(b))
		}
		if errors.Is(err, io.EOF) {
			return entries, good, nil // a last line without newline is torn
		}
		if err != nil {
			return nil, 0, err
		}
	}
}

func (j *Journal) keep(e Entry) {
	j.entries = append(j.entries, e)
	if len(j.entries) > j.limit {
		// Drop the oldest quarter at once so trimming stays cheap.
		n := copy(j.entries, j.entries[len(j.entries)-j.limit*3/4:])
		clear(j.entries[n:])
		j.entries = j.entries[:n]
	}
}

// Append numbers an entry and records it; with a file it is written and
// synced before Append returns.
func (j *Journal) Append(e *Entry) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.seq++
	e.Seq = j.seq
	e.ID = "r" + strconv.FormatUint(e.Seq, 10)
	if j.file != nil {
		b, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("journal entry %s: %w", e.ID, err)
		}
		b = append(b, '\n')
		if _, err := j.w.Write(b); err != nil {
			return fmt.Errorf("writing journal: %w", err)
		}
		if err := j.w.Flush(); err != nil {
			return fmt.Errorf("writing journal: %w", err)
		}
		if err := j.file.Sync(); err != nil {
			return fmt.Errorf("syncing journal: %w", err)
		}
	}
	j.keep(*e)
	return nil
}

// List returns the entries with a sequence number above since, oldest first.
func (j *Journal) List(since uint64) []Entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []Entry
	for _, e := range j.entries {
		if e.Seq > since {
			out = append(out, e)
		}
	}
	return out
}

// Get returns one entry by ID.
func (j *Journal) Get(id string) (Entry, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, e := range j.entries {
		if e.ID == id {
			return e, true
		}
	}
	return Entry{}, false
}

// Last returns the highest sequence number handed out.
func (j *Journal) Last() uint64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.seq
}

// Clear forgets the entries held in memory. The file is an append-only
// record and keeps them.
func (j *Journal) Clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.entries = nil
}

// Close flushes and closes the file.
func (j *Journal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.file == nil {
		return nil
	}
	err := errors.Join(j.w.Flush(), j.file.Sync(), j.file.Close())
	j.file = nil
	return err
}
