package world

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"unicode/utf8"
)

// A fixtures file is read in three passes, so that a mistake is reported
// where a person would look for it, in words, and every mistake at once:
// the JSON is tokenised to learn where each value starts (a syntax error
// stops here, with its line and column); the values are compared with the
// shape of the Go types, by their JSON names; only then is the file decoded.

// document is one parsed fixtures file: its text and where each value
// starts, by path ("endpoints[0].asid"; "" is the whole document).
type document struct {
	file string
	text []byte
	at   map[string]int64
}

// parseDocument reads a fixtures file into v, or returns the problems
// that stop it from being read.
func parseDocument(file string, text []byte, v any) (*document, Problems) {
	d := &document{file: file, text: text, at: map[string]int64{}}
	var dups Problems
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	tree, err := d.walk(dec, "", &dups)
	if err == nil {
		next := skipSpace(text, dec.InputOffset())
		if _, err = dec.Token(); err == io.EOF {
			err = nil
		} else if err == nil {
			err = syntaxAt{next, "is not valid JSON: more follows the end of the document"}
		}
	}
	if err != nil {
		return nil, Problems{d.syntaxProblem(err)}
	}
	problems := append(Problems{}, dups...)
	checkShape(reflect.TypeOf(v).Elem(), tree, "", func(path, msg string) {
		problems = append(problems, d.problem(path, msg))
	})
	if len(problems) > 0 {
		return nil, problems
	}
	if err := json.Unmarshal(text, v); err != nil {
		// The shape was checked; this is not expected, but say where.
		return nil, Problems{d.problem("", "cannot be read: "+err.Error())}
	}
	return d, nil
}

// syntaxAt is a syntax mistake found at an offset.
type syntaxAt struct {
	offset int64
	msg    string
}

func (s syntaxAt) Error() string { return s.msg }

// walk reads one value, recording where it and everything in it starts,
// and returns it decoded as any.
func (d *document) walk(dec *json.Decoder, path string, dups *Problems) (any, error) {
	start := skipSpace(d.text, dec.InputOffset())
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	d.at[path] = start
	switch tok {
	case json.Delim('{'):
		obj := map[string]any{}
		for dec.More() {
			keyAt := skipSpace(d.text, dec.InputOffset())
			k, err := dec.Token()
			if err != nil {
				return nil, err
			}
			key, _ := k.(string)
			child := key
			if path != "" {
				child = path + "." + key
			}
			if _, seen := obj[key]; seen {
				*dups = append(*dups, d.problemAt(keyAt, child, "is given twice (the last one would win)"))
			}
			v, err := d.walk(dec, child, dups)
			if err != nil {
				return nil, err
			}
			obj[key] = v
		}
		if _, err := dec.Token(); err != nil {
			return nil, err
		}
		return obj, nil
	case json.Delim('['):
		arr := []any{}
		for i := 0; dec.More(); i++ {
			v, err := d.walk(dec, fmt.Sprintf("%s[%d]", path, i), dups)
			if err != nil {
				return nil, err
			}
			arr = append(arr, v)
		}
		if _, err := dec.Token(); err != nil {
			return nil, err
		}
		return arr, nil
	}
	return tok, nil
}

// skipSpace moves an offset past whitespace and the separators between
// values, to where the next value starts.
func skipSpace(b []byte, off int64) int64 {
	for off < int64(len(b)) {
		switch b[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
		default:
			return off
		}
	}
	return off
}

// syntaxProblem describes a JSON syntax error where it is.
func (d *document) syntaxProblem(err error) Problem {
	var se *json.SyntaxError
	var sa syntaxAt
	switch {
	case errors.As(err, &sa):
		return d.problemAt(sa.offset, "", sa.msg)
	case errors.As(err, &se):
		return d.problemAt(se.Offset, "", "is not valid JSON: "+se.Error())
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return d.problemAt(int64(len(d.text)), "", "is not valid JSON: the file ends before the JSON does (a missing } or ]?)")
	}
	return d.problemAt(0, "", "is not valid JSON: "+err.Error())
}

// problem is a mistake at a path, placed at the value the path names, or
// at its nearest enclosing value when the path is absent.
func (d *document) problem(path, msg string) Problem {
	p := path
	for {
		if off, ok := d.at[p]; ok {
			return d.problemAt(off, path, msg)
		}
		if p == "" {
			return Problem{File: d.file, Path: path, Message: msg}
		}
		p = parentPath(p)
	}
}

func (d *document) problemAt(off int64, path, msg string) Problem {
	line, col := lineColumn(d.text, off)
	return Problem{File: d.file, Line: line, Column: col, Path: path, Message: msg}
}

// parentPath drops the last step of a path: "a.b[2]" → "a.b" → "a" → "".
func parentPath(p string) string {
	i := strings.LastIndexAny(p, ".[")
	if i < 0 {
		return ""
	}
	return p[:i]
}

// lineColumn turns a byte offset into a line and a column (in characters),
// both counted from 1.
func lineColumn(b []byte, off int64) (line, col int) {
	if off > int64(len(b)) {
		off = int64(len(b))
	}
	before := b[:off]
	line = bytes.Count(before, []byte{'\n'}) + 1
	if i := bytes.LastIndexByte(before, '\n'); i >= 0 {
		before = before[i+1:]
	}
	return line, utf8.RuneCount(before) + 1
}

// checkShape compares a decoded JSON value with the Go type it will be
// decoded into, saying in JSON's words what each mismatch is. Absent
// fields, null and fields the type does not have are left alone.
func checkShape(t reflect.Type, v any, path string, add func(path, msg string)) {
	if v == nil {
		return
	}
	want := jsonKind(t)
	got := kindOf(v)
	if want != got {
		what := "the file"
		if path != "" {
			what = ""
		}
		add(path, strings.TrimSpace(fmt.Sprintf("%s must be %s, not %s", what, article(want), article(got))))
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		obj := v.(map[string]any)
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" || !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			fv, ok := obj[name]
			if !ok {
				continue
			}
			child := name
			if path != "" {
				child = path + "." + name
			}
			checkShape(f.Type, fv, child, add)
		}
	case reflect.Slice:
		for i, e := range v.([]any) {
			checkShape(t.Elem(), e, fmt.Sprintf("%s[%d]", path, i), add)
		}
	}
}

// jsonKind is the JSON kind a Go type is read from.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "object"
	case reflect.Slice, reflect.Array:
		return "list"
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "true or false"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	}
	return "number"
}

// kindOf is the JSON kind of a decoded value.
func kindOf(v any) string {
	switch v.(type) {
	case map[string]any:
		return "object"
	case []any:
		return "list"
	case string:
		return "string"
	case bool:
		return "true or false"
	}
	return "number"
}

func article(kind string) string {
	switch kind {
	case "object":
		return "an object {…}"
	case "list":
		return "a list […]"
	case "true or false":
		return kind
	}
	return "a " + kind
}
