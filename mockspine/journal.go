package mockspine

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/nems-harness/nems-harness/internal/content"
)

// Entry is one request the mock saw, with its judgement and answer: the
// evidence behind every verdict.
type Entry struct {
	ID       string      `json:"id"`
	Seq      uint64      `json:"seq"`
	Received time.Time   `json:"received"`
	Remote   string      `json:"remote,omitempty"`
	Method   string      `json:"method"`
	Path     string      `json:"path"`
	Query    string      `json:"query,omitempty"`
	Header   http.Header `json:"header"`
	// HeaderBytes holds, base64-encoded, the header fields whose values
	// are not UTF-8, which Header cannot carry through JSON.
	HeaderBytes   map[string][]string `json:"headerBytes,omitempty"`
	Body          string              `json:"body"`
	BodyBase64    bool                `json:"bodyBase64,omitempty"`
	BodyTruncated bool                `json:"bodyTruncated,omitempty"`
	// BodyError says why the body could not be read in full.
	BodyError string `json:"bodyError,omitempty"`
	TLS       bool   `json:"tls,omitempty"`
	// ClientCertificates are the PEM certificates the client presented.
	ClientCertificates []string  `json:"clientCertificates,omitempty"`
	JWT                *JWTInfo  `json:"jwt,omitempty"`
	Profile            Profile   `json:"profile,omitempty"`
	Verdicts           []Verdict `json:"verdicts,omitempty"`
	Response           Reply     `json:"response"`
	// Handshake is set on the entry of a TLS handshake that led to no
	// request (see Handshake); such an entry has no method, path or
	// response.
	Handshake *Handshake `json:"handshake,omitempty"`
	// Run names the run the request was judged in (content.Memory.Run): a
	// server's start begins one, and so does clearing its journal. The
	// rules that remember know only the run's earlier messages, so judging
	// a journal again starts afresh where the run changes. Absent in
	// entries written before runs were named: they count as one run.
	Run string `json:"run,omitempty"`
	// Content is the content mode the request was answered in; absent in
	// entries written before it was recorded.
	Content ContentMode `json:"content,omitempty"`
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
// A request's body is a string, so the entry shares it without a copy: it
// cannot change.
func (e *Entry) setBody(b string) {
	if utf8.ValidString(b) {
		e.Body, e.BodyBase64 = b, false
		return
	}
	e.Body, e.BodyBase64 = base64.StdEncoding.EncodeToString([]byte(b)), true
}

// Request rebuilds the request an entry recorded, to judge it again.
func (e *Entry) Request() (Request, error) {
	body := e.Body
	if e.BodyBase64 {
		b, err := base64.StdEncoding.DecodeString(e.Body)
		if err != nil {
			return Request{}, fmt.Errorf("entry %s: body: %w", e.ID, err)
		}
		body = string(b)
	}
	header, err := e.requestHeader()
	if err != nil {
		return Request{}, err
	}
	req := Request{Method: e.Method, Path: e.Path, Header: header, Body: body,
		BodyTruncated: e.BodyTruncated, BodyError: e.BodyError, TLS: e.TLS, Received: e.Received}
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

// DefaultJournalLimit and DefaultJournalBytes bound what the journal keeps
// in memory: this many entries, holding about this many bytes of bodies,
// headers and verdicts (a load test of 3 MB messages must not exhaust
// memory). The oldest are forgotten first; the file, when there is one,
// keeps them all.
const (
	DefaultJournalLimit = 100_000
	DefaultJournalBytes = 256 << 20
)

// Journal records every request: in memory, and appended to a JSON-lines
// file (synced before the answer is sent) when one is given. It is safe for
// concurrent use.
//
// Writers sharing a file commit as a group: each encodes its line into the
// buffer under the lock, then waits for one fsync that covers it, so a
// burst of concurrent requests costs one sync rather than one each.
type Journal struct {
	mu sync.Mutex
	// The entries held in memory, oldest first, in a ring whose oldest is
	// ring[head]: forgetting the oldest is then cheap, however many are
	// held. They are held packed (see storedEntry).
	ring       []storedEntry
	head, held int
	bytes      int
	// unordered is set when an entry was kept after one with a higher
	// sequence number (a journal file written out of order), so List cannot
	// search by sequence number.
	unordered bool
	seq       uint64
	limit     int
	byteLimit int
	file      *os.File
	w         *bufio.Writer
	// line holds the line being written (reused, up to 64 KB); scratch
	// the line encoding/json encodes, when appendEntryJSON declines one.
	line       []byte
	scratch    bytes.Buffer
	scratchEnc *json.Encoder
	written    uint64 // lines written to w
	// err, once set, is the write or sync failure that broke the file: the
	// journal refuses every later entry rather than lose it silently.
	err error

	syncMu sync.Mutex // held while syncing; guards synced
	synced uint64     // lines known to be on disk

	watch watchers // live views (journal_watch.go)

	// slab is where packed entries are copied (see hold).
	slab strings.Builder

	// onClear runs when Clear forgets the entries: the server's judge
	// forgets the run's history with them (see NewServer).
	onClear []func()
}

// NewJournal makes a memory-only journal.
func NewJournal() *Journal {
	return &Journal{limit: DefaultJournalLimit, byteLimit: DefaultJournalBytes}
}

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
	for i := range entries {
		e := &entries[i]
		se := pack(e)
		se.seq, se.id = e.Seq, e.ID
		j.keep(se)
		j.seq = max(j.seq, e.Seq)
	}
	j.file, j.w = f, bufio.NewWriterSize(f, 64<<10)
	j.scratchEnc = json.NewEncoder(&j.scratch)
	j.scratchEnc.SetEscapeHTML(false) // XML bodies stay readable, and the same size
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

// keep holds an entry in memory, forgetting the oldest while either bound
// is passed. The newest entry is always kept.
func (j *Journal) keep(se storedEntry) {
	if j.held == len(j.ring) {
		j.grow()
	}
	if j.held > 0 && se.seq <= j.at(j.held-1).seq {
		j.unordered = true
	}
	j.ring[(j.head+j.held)%len(j.ring)] = se
	j.bytes += se.size
	j.held++
	for j.held > 1 && (j.held > j.limit || j.bytes > j.byteLimit) {
		j.bytes -= j.ring[j.head].size
		j.ring[j.head] = storedEntry{}
		j.head = (j.head + 1) % len(j.ring)
		j.held--
	}
}

// grow doubles the ring, keeping the entries in order.
func (j *Journal) grow() {
	ring := make([]storedEntry, max(64, 2*len(j.ring)))
	for i := 0; i < j.held; i++ {
		ring[i] = *j.at(i)
	}
	j.ring, j.head = ring, 0
}

// at returns the i-th entry held, oldest first.
func (j *Journal) at(i int) *storedEntry {
	return &j.ring[(j.head+i)%len(j.ring)]
}

// Append numbers an entry and records it; with a file it is written and
// synced before Append returns.
func (j *Journal) Append(e *Entry) error {
	// Packed before taking the lock: it needs neither ID nor Seq.
	scratch := packScratch.Get().(*[]byte)
	data, se := packIn(e, scratch)
	j.mu.Lock()
	se.data = j.hold(data)
	packScratch.Put(scratch)
	if j.err != nil {
		err := j.err
		j.mu.Unlock()
		return fmt.Errorf("the journal file failed earlier: %w", err)
	}
	j.seq++
	e.Seq = j.seq
	var id [24]byte // "r" and the number built in one string, not two
	e.ID = string(strconv.AppendUint(append(id[:0], 'r'), e.Seq, 10))
	file := j.file
	var line uint64
	if file != nil {
		if err := j.writeEntry(e); err != nil {
			j.mu.Unlock()
			return fmt.Errorf("writing journal entry %s: %w", e.ID, err)
		}
		j.written++
		line = j.written
	}
	se.seq, se.id = e.Seq, e.ID
	j.keep(se)
	j.mu.Unlock()
	j.watch.notify(se)
	if file == nil {
		return nil
	}
	return j.syncTo(line)
}

// streamBodyMin is the body size from which writeEntry streams the body.
const streamBodyMin = 32 << 10

// bodyMark stands in for a large body while the rest of its entry is
// marshalled. It is random, so no header or other text can imitate it.
var bodyMark = func() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return "body-" + hex.EncodeToString(b[:])
}()

// writeEntry writes an entry as one JSON line. A large body is escaped
// straight into the file's buffer rather than marshalled with the rest of
// the entry, which would hold two more copies of it in memory at once (a
// 3 MB message would then need more than 3 times its size). Anything that
// cannot be marshalled fails before a byte is written; a failed write
// breaks the journal (see Journal.err).
func (j *Journal) writeEntry(e *Entry) error {
	stream := len(e.Body) >= streamBodyMin
	if entryJSONKnown {
		line, bodyAt, ok := appendEntryJSON(j.line[:0], e, stream)
		if cap(line) <= 64<<10 {
			j.line = line
		}
		if ok {
			line = append(line, '\n')
			if !stream {
				return j.write(line)
			}
			if err := j.write(line[:bodyAt]); err != nil {
				return err
			}
			writeJSONStringContent(j.w, e.Body)
			return j.write(line[bodyAt:])
		}
		// What it declines, encoding/json refuses, saying why.
	}
	if !stream {
		j.scratch.Reset()
		if err := j.scratchEnc.Encode(e); err != nil {
			return err
		}
		return j.write(j.scratch.Bytes())
	}
	c := *e
	c.Body = bodyMark
	j.scratch.Reset()
	if err := j.scratchEnc.Encode(&c); err != nil {
		return err
	}
	line := j.scratch.Bytes()
	field := []byte(`"body":"` + bodyMark + `"`)
	i := bytes.Index(line, field)
	if i < 0 {
		return errors.New("the body's place in the entry was not found") // cannot happen
	}
	open := i + len(`"body":"`)
	if err := j.write(line[:open]); err != nil {
		return err
	}
	writeJSONStringContent(j.w, e.Body)
	return j.write(line[i+len(field)-1:]) // from the closing quote on
}

// write writes to the file's buffer; a failure breaks the journal, since
// the buffer may now hold half a line.
func (j *Journal) write(b []byte) error {
	if _, err := j.w.Write(b); err != nil {
		j.err = err
		return err
	}
	return nil
}

// writeJSONStringContent writes s escaped as the inside of a JSON string,
// exactly as encoding/json does without HTML escaping. Errors stay in the
// bufio.Writer and come back from its next write.
func writeJSONStringContent(w *bufio.Writer, s string) {
	const hexDigits = "0123456789abcdef"
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			_, _ = w.WriteString(s[start:i])
			switch c {
			case '"', '\\':
				_ = w.WriteByte('\\')
				_ = w.WriteByte(c)
			case '\b':
				_, _ = w.WriteString(`\b`)
			case '\f':
				_, _ = w.WriteString(`\f`)
			case '\n':
				_, _ = w.WriteString(`\n`)
			case '\r':
				_, _ = w.WriteString(`\r`)
			case '\t':
				_, _ = w.WriteString(`\t`)
			default:
				_, _ = w.WriteString(`\u00`)
				_ = w.WriteByte(hexDigits[c>>4])
				_ = w.WriteByte(hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || r == '\u2028' || r == '\u2029' {
			_, _ = w.WriteString(s[start:i])
			switch r {
			case utf8.RuneError:
				_, _ = w.WriteString(`\ufffd`)
			default:
				_, _ = w.WriteString(`\u202`)
				_ = w.WriteByte(hexDigits[r&0xF])
			}
			i += size
			start = i
			continue
		}
		i += size
	}
	_, _ = w.WriteString(s[start:])
}

// syncTo returns once line (a count of lines written) is on disk: synced by
// this call, or by another writer's sync that covered it.
func (j *Journal) syncTo(line uint64) error {
	j.syncMu.Lock()
	defer j.syncMu.Unlock()
	if j.synced >= line {
		return nil
	}
	j.mu.Lock()
	if j.err != nil {
		err := j.err
		j.mu.Unlock()
		return fmt.Errorf("the journal file failed: %w", err)
	}
	if j.file == nil {
		j.mu.Unlock()
		return errors.New("the journal is closed")
	}
	upTo := j.written
	if err := j.w.Flush(); err != nil {
		j.err = err
		j.mu.Unlock()
		return fmt.Errorf("writing journal: %w", err)
	}
	f := j.file
	j.mu.Unlock()
	// Others keep encoding into the buffer while this sync runs; the next
	// sync covers them.
	if err := f.Sync(); err != nil {
		j.mu.Lock()
		j.err = err
		j.mu.Unlock()
		return fmt.Errorf("syncing journal: %w", err)
	}
	j.synced = upTo
	return nil
}

// List returns the entries with a sequence number above since, oldest first.
func (j *Journal) List(since uint64) []Entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	first := 0
	if !j.unordered {
		first = sort.Search(j.held, func(i int) bool { return j.at(i).seq > since })
	}
	var out []Entry
	for i := first; i < j.held; i++ {
		if se := j.at(i); se.seq > since {
			out = append(out, se.unpack())
		}
	}
	return out
}

// Get returns one entry by ID.
func (j *Journal) Get(id string) (Entry, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for i := 0; i < j.held; i++ {
		if se := j.at(i); se.id == id {
			return se.unpack(), true
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
	j.ring = nil
	j.head, j.held, j.bytes = 0, 0, 0
	j.unordered = false
	hooks := j.onClear
	j.mu.Unlock()
	for _, f := range hooks {
		f()
	}
}

// whenCleared runs f every time Clear forgets the entries.
func (j *Journal) whenCleared(f func()) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.onClear = append(j.onClear, f)
}

// Close flushes and closes the file.
func (j *Journal) Close() error {
	// Lock order: syncMu, then mu (as syncTo does); no sync is in flight on
	// the file being closed.
	j.syncMu.Lock()
	defer j.syncMu.Unlock()
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.file == nil {
		return nil
	}
	err := errors.Join(j.w.Flush(), j.file.Sync(), j.file.Close())
	j.file = nil
	if err == nil {
		j.synced = j.written
	}
	return err
}

// storedEntry is an entry as the journal holds it in memory: its ID, body
// and sequence number as they are, everything else packed into bytes. An
// Entry is a tree of maps, slices and strings, a hundred pointers and more;
// a journal holds tens of thousands, and the garbage collector would trace
// them all on every cycle, slowing the requests served meanwhile. Packed,
// each entry costs it three pointers to data it need not look into.
type storedEntry struct {
	seq  uint64
	id   string
	body string
	data string // the packed rest, in a slab shared with other entries
	size int    // entrySize of the entry, for the memory bound
}

// pack packs all of an entry but its ID and Seq, in data of its own.
func pack(e *Entry) storedEntry {
	scratch := packScratch.Get().(*[]byte)
	defer packScratch.Put(scratch)
	data, se := packIn(e, scratch)
	se.data = string(data)
	return se
}

// packIn packs an entry in the pooled buffer *scratch and returns the
// packed bytes (sharing the buffer until it goes back to the pool) and the
// entry stored, without them.
//
// It also estimates the memory the entry holds, for the journal's byte
// bound: 512 bytes, the bytes of its strings, 32 more for each header
// field value and 96 more for each verdict.
func packIn(e *Entry, scratch *[]byte) ([]byte, storedEntry) {
	size := 512 + len(e.Body) + len(e.Response.Body) + len(e.Remote) + len(e.Path) + len(e.Query) + len(e.BodyError) +
		len(e.Run) + len(e.Content) + handshakeSize(e.Handshake)
	p := packer{b: (*scratch)[:0]}
	defer func() {
		if cap(p.b) <= 64<<10 {
			*scratch = p.b
		}
	}()
	var tb [16]byte
	t, _ := e.Received.AppendBinary(tb[:0]) // fails only for years beyond 32767 or odd zone offsets
	p.bytes(t)
	p.str(e.Remote)
	p.str(e.Method)
	p.str(e.Path)
	p.str(e.Query)
	size += p.header(e.Header)
	p.flag(e.BodyBase64)
	p.flag(e.BodyTruncated)
	p.str(e.BodyError)
	p.flag(e.TLS)
	p.strs(e.ClientCertificates)
	for _, c := range e.ClientCertificates {
		size += len(c)
	}
	p.flag(e.JWT != nil)
	if e.JWT != nil {
		p.bytes(e.JWT.Header)
		p.bytes(e.JWT.Claims)
		size += len(e.JWT.Header) + len(e.JWT.Claims)
	}
	p.str(string(e.Profile))
	p.count(len(e.Verdicts), e.Verdicts == nil)
	next := 0 // where in the catalogue to look for the next verdict's rule
	for i := range e.Verdicts {
		v := &e.Verdicts[i]
		if next < len(catalogue) && next+1 < 0x80 && sameString(catalogue[next].ID, v.Rule) &&
			v.Answer == nil && v.Findings == nil && v.Publisher == "" && len(v.Reason) < 0x80 {
			// The commonest verdict (the next rule's, a known outcome
			// and severity, a short reason, nothing more) packed as the
			// general case below packs it, in one go: the rule, the
			// shape, the severity and the reason's length a byte each.
			if o, sev := outcomeCode(v.Outcome), severityCode(v.Severity); o != 0 && sev != 0 {
				p.b = append(p.b, byte(next+1), o|1<<shapePublisher, sev, byte(len(v.Reason)))
				p.b = append(p.b, v.Reason...)
				next++
				size += 96 + len(v.Reason)
				continue
			}
		}
		if next < len(catalogue) && next+1 < 0x80 && catalogue[next].ID == v.Rule {
			// The next rule, nearly always: packed as rule packs it, in
			// one byte, without a call.
			p.b = append(p.b, byte(next+1))
			next++
		} else {
			next = p.rule(v.Rule, next)
		}
		p.verdictShape(v)
		p.str(v.Reason)
		size += 96 + len(v.Reason)
		if a := v.Answer; a != nil {
			p.int(a.Status)
			p.str(a.Code.Code)
			p.str(a.Code.Display)
			p.str(a.IssueType)
		}
		if v.Findings != nil {
			p.b = binary.AppendUvarint(p.b, uint64(len(v.Findings)))
		}
		for _, f := range v.Findings {
			p.int(f.Entry)
			p.str(f.Path)
			p.int(f.Line)
			p.str(f.Reason)
			p.str(f.Excerpt)
		}
	}
	p.int(e.Response.Status)
	size += p.header(e.Response.Header)
	p.str(e.Response.Body)
	packHandshake(&p, e.Handshake)
	p.str(e.Run)
	p.str(string(e.Content))
	return p.b, storedEntry{body: e.Body, size: size}
}

// sameString is a == b, without a call when they are the same string (a
// verdict's rule ID is its rule's).
func sameString(a, b string) bool {
	return len(a) == len(b) && (unsafe.StringData(a) == unsafe.StringData(b) || a == b)
}

// packScratch holds buffers entries are packed in, before they are copied
// out at their exact size.
var packScratch = sync.Pool{New: func() any { return new([]byte) }}

// slabSize is the size of the slabs the journal copies packed entries
// into: one allocation holds the data of a dozen typical entries rather
// than one each, and a strings.Builder makes it without clearing it first.
// Entries are forgotten oldest first, so slabs are too: at most a slab at
// either end is partly unused.
const slabSize = 64 << 10

// hold copies an entry's packed data into the journal's current slab (a
// large entry's into an allocation of its own). What a slab holds is never
// written again, so each entry's part of it is a string. j.mu is held.
func (j *Journal) hold(data []byte) string {
	n := len(data)
	if n > slabSize/4 {
		return string(data)
	}
	if j.slab.Cap()-j.slab.Len() < n {
		j.slab = strings.Builder{}
		j.slab.Grow(slabSize)
	}
	at := j.slab.Len()
	j.slab.Write(data)
	return j.slab.String()[at : at+n]
}

// unpack rebuilds the entry: a copy sharing nothing with the journal.
func (se *storedEntry) unpack() Entry {
	u := unpacker{b: se.data}
	e := Entry{ID: se.id, Seq: se.seq, Body: se.body}
	if t := u.bytes(); t != nil {
		_ = e.Received.UnmarshalBinary(t) // packed by MarshalBinary
	}
	e.Remote = u.str()
	e.Method = u.str()
	e.Path = u.str()
	e.Query = u.str()
	e.Header = u.header()
	e.noteRawHeader()
	e.BodyBase64 = u.flag()
	e.BodyTruncated = u.flag()
	e.BodyError = u.str()
	e.TLS = u.flag()
	e.ClientCertificates = u.strs()
	if u.flag() {
		e.JWT = &JWTInfo{Header: u.bytes(), Claims: u.bytes()}
	}
	e.Profile = Profile(u.str())
	if n, isNil := u.count(); !isNil {
		e.Verdicts = make([]Verdict, n)
		for i := range e.Verdicts {
			v := &e.Verdicts[i]
			v.Rule = u.rule()
			answer, findings := u.verdictShape(v)
			v.Reason = u.str()
			if answer {
				v.Answer = &Answer{Status: u.int(), Code: SpineCode{Code: u.str(), Display: u.str()}, IssueType: u.str()}
			}
			if findings {
				v.Findings = make([]content.Finding, u.uvarint())
				for k := range v.Findings {
					f := &v.Findings[k]
					f.Entry, f.Path, f.Line, f.Reason, f.Excerpt = u.int(), u.str(), u.int(), u.str(), u.str()
				}
			}
		}
	}
	e.Response.Status = u.int()
	e.Response.Header = u.header()
	e.Response.Body = u.str()
	e.Handshake = unpackHandshake(&u)
	e.Run = u.str()
	e.Content = ContentMode(u.str())
	return e
}

// packer appends values to b: lengths and numbers as varints, nil slices
// and maps as count 0 and the others as count+1.
type packer struct{ b []byte }

func (p *packer) int(n int) { p.b = binary.AppendVarint(p.b, int64(n)) }

func (p *packer) flag(f bool) {
	if f {
		p.b = append(p.b, 1)
	} else {
		p.b = append(p.b, 0)
	}
}

func (p *packer) count(n int, isNil bool) {
	if isNil {
		p.b = append(p.b, 0)
		return
	}
	p.b = binary.AppendUvarint(p.b, uint64(n)+1)
}

func (p *packer) str(s string) {
	p.b = binary.AppendUvarint(p.b, uint64(len(s)))
	p.b = append(p.b, s...)
}

func (p *packer) bytes(b []byte) {
	p.count(len(b), b == nil)
	p.b = append(p.b, b...)
}

func (p *packer) strs(ss []string) {
	p.count(len(ss), ss == nil)
	for _, s := range ss {
		p.str(s)
	}
}

// header packs h and returns its part of the entry's size estimate.
func (p *packer) header(h http.Header) int {
	p.count(len(h), h == nil)
	size := 0
	for k, vs := range h {
		p.str(k)
		p.strs(vs)
		for _, v := range vs {
			size += len(k) + len(v) + 32
		}
	}
	return size
}

// A verdict names its rule, its outcomes and its severity, nearly always
// with one of a few known strings: a catalogue rule's ID, an outcome, a
// content severity. Those are packed as their place in a table, which costs
// less to write than the text and unpacks as the known string itself,
// without a copy; any other value is packed as text. (Packed entries live
// only in the process's memory, so the tables never change under them.)

// outcomeCodes and severityCodes are the known values of a verdict's
// outcomes and severity; a code is 1 + the place in its table, 0 for
// another value, packed as text.
var (
	outcomeCodes  = [...]string{"", string(Pass), string(Fail), string(NotAssessed)}
	severityCodes = [...]string{"", string(content.Error), string(content.Warning)}
)

// outcomeCode and severityCode are codes found by comparing with
// constants, which costs no call.
func outcomeCode(o Outcome) byte {
	switch o {
	case "":
		return 1
	case Pass:
		return 2
	case Fail:
		return 3
	case NotAssessed:
		return 4
	}
	return 0
}

func severityCode(s string) byte {
	switch s {
	case "":
		return 1
	case string(content.Error):
		return 2
	case string(content.Warning):
		return 3
	}
	return 0
}

// The shape of a packed verdict, in two bytes: the outcome's and the
// publisher outcome's codes, whether an answer and findings follow, and
// the severity's code. The text of a value without a code follows them.
const (
	shapePublisher = 3      // shift of the publisher outcome's code
	shapeAnswer    = 1 << 6 // an answer follows the reason
	shapeFindings  = 1 << 7 // the findings follow the answer, counted
)

// verdictShape packs the verdict's shape.
func (p *packer) verdictShape(v *Verdict) {
	o, pub, sev := outcomeCode(v.Outcome), outcomeCode(v.Publisher), severityCode(v.Severity)
	shape := o | pub<<shapePublisher
	if v.Answer != nil {
		shape |= shapeAnswer
	}
	if v.Findings != nil {
		shape |= shapeFindings
	}
	p.b = append(p.b, shape, sev)
	if o == 0 {
		p.str(string(v.Outcome))
	}
	if pub == 0 {
		p.str(string(v.Publisher))
	}
	if sev == 0 {
		p.str(v.Severity)
	}
}

// verdictShape unpacks what packer.verdictShape packed into v, and says
// whether an answer and findings follow.
func (u *unpacker) verdictShape(v *Verdict) (answer, findings bool) {
	shape, sev := u.b[0], u.b[1]
	u.b = u.b[2:]
	v.Outcome = Outcome(u.code(shape&7, outcomeCodes[:]))
	v.Publisher = Outcome(u.code(shape>>shapePublisher&7, outcomeCodes[:]))
	v.Severity = u.code(sev, severityCodes[:])
	return shape&shapeAnswer != 0, shape&shapeFindings != 0
}

// code is the known value of a code, or the text packed for code 0.
func (u *unpacker) code(c byte, codes []string) string {
	if c == 0 {
		return u.str()
	}
	return codes[c-1]
}

// rule packs a verdict's rule ID as 1 + its place in the catalogue, or as
// 0 and the text. Verdicts come in catalogue order, so the search starts
// at next, where the previous verdict's rule was found, plus one; it
// returns where the next search starts.
func (p *packer) rule(id string, next int) int {
	for i := next; i < len(catalogue); i++ {
		if catalogue[i].ID == id {
			p.b = binary.AppendUvarint(p.b, uint64(i+1))
			return i + 1
		}
	}
	if i, ok := cataloguePlace[id]; ok { // out of order
		p.b = binary.AppendUvarint(p.b, uint64(i+1))
		return i + 1
	}
	p.b = append(p.b, 0)
	p.str(id)
	return next
}

func (u *unpacker) rule() string {
	if i := u.uvarint(); i > 0 {
		return catalogue[i-1].ID
	}
	return u.str()
}

// unpacker reads what packer wrote. The data is the journal's own, so it
// is well formed; a short read would be a bug and panics.
type unpacker struct{ b string }

// uvarint reads what binary.AppendUvarint wrote.
func (u *unpacker) uvarint() uint64 {
	var n uint64
	for i := 0; i < len(u.b) && i < binary.MaxVarintLen64; i++ {
		c := u.b[i]
		n |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			u.b = u.b[i+1:]
			return n
		}
	}
	panic("journal: damaged packed entry")
}

// int reads what binary.AppendVarint wrote.
func (u *unpacker) int() int {
	ux := u.uvarint()
	n := int64(ux >> 1)
	if ux&1 != 0 {
		n = ^n
	}
	return int(n)
}

func (u *unpacker) flag() bool {
	f := u.b[0] != 0
	u.b = u.b[1:]
	return f
}

func (u *unpacker) count() (n int, isNil bool) {
	c := u.uvarint()
	if c == 0 {
		return 0, true
	}
	return int(c - 1), false
}

func (u *unpacker) str() string {
	n := u.uvarint()
	s := strings.Clone(u.b[:n]) // the entry unpacked keeps no slab alive
	u.b = u.b[n:]
	return s
}

func (u *unpacker) bytes() []byte {
	n, isNil := u.count()
	if isNil {
		return nil
	}
	b := append([]byte{}, u.b[:n]...)
	u.b = u.b[n:]
	return b
}

func (u *unpacker) strs() []string {
	n, isNil := u.count()
	if isNil {
		return nil
	}
	ss := make([]string, n)
	for i := range ss {
		ss[i] = u.str()
	}
	return ss
}

func (u *unpacker) header() http.Header {
	n, isNil := u.count()
	if isNil {
		return nil
	}
	h := make(http.Header, n)
	for range n {
		k := u.str()
		h[k] = u.strs()
	}
	return h
}
