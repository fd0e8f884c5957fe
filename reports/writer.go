package reports

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// Writer renders a report in one format.
type Writer interface {
	// Name is the name the writer is looked up by, e.g. "html".
	Name() string
	// FileName is the file WriteAll writes, e.g. "assurance-report.html".
	FileName() string
	// Write renders r to w.
	Write(w io.Writer, r *Report) error
}

var (
	registryMu sync.RWMutex
	registry   = map[string]Writer{}
)

// defaultNames are the writers WriteAll uses when given none.
var defaultNames = []string{"html", "markdown"}

func init() {
	Register(htmlWriter{})
	Register(markdownWriter{})
}

// Register makes a writer available by its name. It panics if the name is
// empty or already taken, as registering twice is a programming error.
func Register(w Writer) {
	registryMu.Lock()
	defer registryMu.Unlock()
	name := w.Name()
	if name == "" {
		panic("reports: Register of a writer without a name")
	}
	if _, dup := registry[name]; dup {
		panic("reports: Register called twice for writer " + name)
	}
	registry[name] = w
}

// Lookup finds a writer by name ("html", "markdown"); case is ignored.
func Lookup(name string) (Writer, bool) {
	registryMu.RLock()
	defer registryMu.RUnlock()
	w, ok := registry[strings.ToLower(strings.TrimSpace(name))]
	return w, ok
}

// Names lists the registered writers' names, sorted.
func Names() []string {
	registryMu.RLock()
	defer registryMu.RUnlock()
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// WriteAll writes r into dir (creating it) with each named writer — by
// default "html" and "markdown", giving assurance-report.html and
// assurance-report.md — and returns the paths written, in the order named.
// An unknown name is an error before anything is written; a name given twice
// is written once. Each file is rendered in full before it is written, so a
// rendering error leaves no partial file.
func WriteAll(dir string, r *Report, names ...string) ([]string, error) {
	if r == nil {
		return nil, errors.New("reports: nil report")
	}
	if len(names) == 0 {
		names = defaultNames
	}
	var writers []Writer
	seen := map[string]bool{}
	files := map[string]string{}
	for _, n := range names {
		w, ok := Lookup(n)
		if !ok {
			return nil, fmt.Errorf("reports: unknown format %q (known: %s)", n, strings.Join(Names(), ", "))
		}
		if seen[w.Name()] {
			continue
		}
		if other, clash := files[w.FileName()]; clash {
			return nil, fmt.Errorf("reports: formats %q and %q both write %s", other, w.Name(), w.FileName())
		}
		seen[w.Name()] = true
		files[w.FileName()] = w.Name()
		writers = append(writers, w)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	paths := make([]string, 0, len(writers))
	for _, w := range writers {
		var buf bytes.Buffer
		if err := w.Write(&buf, r); err != nil {
			return paths, fmt.Errorf("reports: %s: %w", w.Name(), err)
		}
		p := filepath.Join(dir, w.FileName())
		if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
			return paths, fmt.Errorf("reports: %w", err)
		}
		paths = append(paths, p)
	}
	return paths, nil
}
