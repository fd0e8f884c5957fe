package breaks

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
)

// The edits work on the message text, the same way for FHIR XML and FHIR
// JSON: they find a resource entry, then an element by a dotted path of
// names (the first descendant of each name, in document order, which is
// the same in an XML file and its JSON twin), and change, remove or copy
// it. Everything else stays byte for byte as it was. An edit that finds
// nothing to change is an error: a break that changes nothing proves
// nothing.

// span is a half-open byte range.
type span struct{ start, end int }

// entries returns the span of every Bundle entry and of its resource, with
// the resource type.
func entries(b []byte, format string) ([]entry, error) {
	if format == "xml" {
		return xmlEntries(b)
	}
	return jsonEntries(b)
}

type entry struct {
	whole, resource span
	typ             string
}

var xmlEntryOpen = regexp.MustCompile(`<entry\s*>`)

func xmlEntries(b []byte) ([]entry, error) {
	var out []entry
	for _, loc := range xmlEntryOpen.FindAllIndex(b, -1) {
		end := bytes.Index(b[loc[1]:], []byte("</entry>"))
		if end < 0 {
			return nil, fmt.Errorf("an entry without </entry>")
		}
		e := entry{whole: span{lineStart(b, loc[0]), lineEnd(b, loc[1]+end+len("</entry>"))}}
		r := bytes.Index(b[loc[1]:loc[1]+end], []byte("<resource>"))
		if r >= 0 {
			at := loc[1] + r + len("<resource>")
			open := regexp.MustCompile(`<([A-Z][A-Za-z]+)[\s>]`).FindSubmatchIndex(b[at:])
			if open != nil {
				e.typ = string(b[at+open[2] : at+open[3]])
				s := at + open[0]
				closeTag := []byte("</" + e.typ + ">")
				c := bytes.Index(b[s:], closeTag)
				if c < 0 {
					return nil, fmt.Errorf("a %s without its end tag", e.typ)
				}
				e.resource = span{s, s + c + len(closeTag)}
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// lineStart moves i back over the indentation before it.
func lineStart(b []byte, i int) int {
	for i > 0 && (b[i-1] == ' ' || b[i-1] == '\t') {
		i--
	}
	return i
}

// lineEnd moves i past the end of its line.
func lineEnd(b []byte, i int) int {
	if i < len(b) && b[i] == '\r' {
		i++
	}
	if i < len(b) && b[i] == '\n' {
		i++
	}
	return i
}

var jsonEntryKey = regexp.MustCompile(`"entry"\s*:\s*\[`)

func jsonEntries(b []byte) ([]entry, error) {
	loc := jsonEntryKey.FindIndex(b)
	if loc == nil {
		return nil, fmt.Errorf("no entry array")
	}
	var out []entry
	i := loc[1]
	for {
		i = skipSpace(b, i)
		if i >= len(b) {
			return nil, fmt.Errorf("the entry array does not end")
		}
		if b[i] == ']' {
			return out, nil
		}
		if b[i] == ',' {
			i++
			continue
		}
		end, err := jsonValueEnd(b, i)
		if err != nil {
			return nil, err
		}
		e := entry{whole: span{i, end}}
		if rs, ok := jsonMember(b, span{i, end}, "resource"); ok {
			e.resource = rs
			if ts, ok := jsonMember(b, rs, "resourceType"); ok {
				e.typ = strings.Trim(string(b[ts.start:ts.end]), `"`)
			}
		}
		out = append(out, e)
		i = end
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// jsonValueEnd returns the end of the JSON value starting at i.
func jsonValueEnd(b []byte, i int) (int, error) {
	depth := 0
	for j := i; j < len(b); j++ {
		switch b[j] {
		case '"':
			k := j + 1
			for k < len(b) && b[k] != '"' {
				if b[k] == '\\' {
					k++
				}
				k++
			}
			if k >= len(b) {
				return 0, fmt.Errorf("a string does not end")
			}
			j = k
			if depth == 0 {
				return j + 1, nil
			}
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return j + 1, nil
			}
			if depth < 0 {
				return j, nil
			}
		case ',':
			if depth == 0 {
				return j, nil
			}
		}
	}
	if depth == 0 {
		return len(b), nil
	}
	return 0, fmt.Errorf("a value does not end")
}

// jsonMember finds the member name directly inside the object at s and
// returns the span of its value.
func jsonMember(b []byte, s span, name string) (span, bool) {
	i := skipSpace(b, s.start)
	if i >= s.end || b[i] != '{' {
		return span{}, false
	}
	i++
	for i < s.end {
		i = skipSpace(b, i)
		if i >= s.end || b[i] == '}' {
			return span{}, false
		}
		if b[i] == ',' {
			i++
			continue
		}
		kEnd, err := jsonValueEnd(b, i)
		if err != nil {
			return span{}, false
		}
		key := strings.Trim(string(b[i:kEnd]), `"`)
		i = skipSpace(b, kEnd)
		if i >= s.end || b[i] != ':' {
			return span{}, false
		}
		i = skipSpace(b, i+1)
		vEnd, err := jsonValueEnd(b, i)
		if err != nil {
			return span{}, false
		}
		if key == name {
			return span{i, vEnd}, true
		}
		i = vEnd
	}
	return span{}, false
}

// find returns the span of the first element named name inside s (any
// depth, document order): in XML the element from its start tag to its end;
// in JSON the member from its key to the end of its value.
func find(b []byte, format string, s span, name string) (span, bool) {
	if format == "xml" {
		re := regexp.MustCompile(`<` + regexp.QuoteMeta(name) + `[\s/>]`)
		loc := re.FindIndex(b[s.start:s.end])
		if loc == nil {
			return span{}, false
		}
		start := s.start + loc[0]
		end, ok := xmlElementEnd(b, start, name)
		if !ok || end > s.end {
			return span{}, false
		}
		return span{start, end}, true
	}
	re := regexp.MustCompile(`"` + regexp.QuoteMeta(name) + `"\s*:`)
	loc := re.FindIndex(b[s.start:s.end])
	if loc == nil {
		return span{}, false
	}
	start := s.start + loc[0]
	vStart := skipSpace(b, s.start+loc[1])
	vEnd, err := jsonValueEnd(b, vStart)
	if err != nil || vEnd > s.end {
		return span{}, false
	}
	return span{start, vEnd}, true
}

// xmlElementEnd returns the end of the element named name starting at i.
func xmlElementEnd(b []byte, i int, name string) (int, bool) {
	gt := bytes.IndexByte(b[i:], '>')
	if gt < 0 {
		return 0, false
	}
	if b[i+gt-1] == '/' {
		return i + gt + 1, true
	}
	open := regexp.MustCompile(`<` + regexp.QuoteMeta(name) + `[\s/>]`)
	closeTag := []byte("</" + name + ">")
	depth, j := 1, i+gt+1
	for depth > 0 {
		c := bytes.Index(b[j:], closeTag)
		if c < 0 {
			return 0, false
		}
		// nested elements of the same name before that end tag
		for _, o := range open.FindAllIndex(b[j:j+c], -1) {
			g := bytes.IndexByte(b[j+o[0]:], '>')
			if b[j+o[0]+g-1] != '/' {
				depth++
			}
		}
		depth--
		j += c + len(closeTag)
	}
	return j, true
}

// at follows a dotted path of names from the resource of the nth entry of
// type typ (n counted from 0).
func at(b []byte, format, typ string, n int, path string) (span, error) {
	es, err := entries(b, format)
	if err != nil {
		return span{}, err
	}
	k := 0
	for _, e := range es {
		if e.typ != typ {
			continue
		}
		if k < n {
			k++
			continue
		}
		s := e.resource
		for _, name := range strings.Split(path, ".") {
			next, ok := find(b, format, s, name)
			if !ok {
				return span{}, fmt.Errorf("the %s has no %s", typ, path)
			}
			s = next
		}
		return s, nil
	}
	return span{}, fmt.Errorf("the message has no %s", ordinal(typ, n))
}

func ordinal(typ string, n int) string {
	if n == 0 {
		return typ
	}
	return fmt.Sprintf("%s number %d", typ, n+1)
}

func splice(b []byte, s span, repl string) []byte {
	out := make([]byte, 0, len(b)-(s.end-s.start)+len(repl))
	out = append(out, b[:s.start]...)
	out = append(out, repl...)
	return append(out, b[s.end:]...)
}

var (
	xmlValueAttr = regexp.MustCompile(`value="[^"]*"`)
	jsonKeyColon = regexp.MustCompile(`^"[^"]*"\s*:\s*`)
)

// setValue sets the value of the primitive element at path: xmlValue is
// the XML attribute text, jsonValue the JSON literal (`"text"`, `false`).
func setValue(b []byte, format, typ string, n int, path, xmlValue, jsonValue string) ([]byte, error) {
	s, err := at(b, format, typ, n, path)
	if err != nil {
		return nil, err
	}
	if format == "xml" {
		loc := xmlValueAttr.FindIndex(b[s.start:s.end])
		if loc == nil {
			return nil, fmt.Errorf("the %s's %s has no value", typ, path)
		}
		return splice(b, span{s.start + loc[0], s.start + loc[1]}, `value="`+xmlValue+`"`), nil
	}
	k := jsonKeyColon.FindIndex(b[s.start:s.end])
	if k == nil {
		return nil, fmt.Errorf("the %s's %s is not a member", typ, path)
	}
	return splice(b, span{s.start + k[1], s.end}, jsonValue), nil
}

// remove removes the element at path (in JSON the member, with its comma).
func remove(b []byte, format, typ string, n int, path string) ([]byte, error) {
	s, err := at(b, format, typ, n, path)
	if err != nil {
		return nil, err
	}
	if format == "xml" {
		return splice(b, span{lineStart(b, s.start), lineEnd(b, s.end)}, ""), nil
	}
	return splice(b, jsonMemberWithComma(b, s), ""), nil
}

// jsonMemberWithComma widens a member's span to take one comma with it.
func jsonMemberWithComma(b []byte, s span) span {
	j := skipSpace(b, s.end)
	if j < len(b) && b[j] == ',' {
		return span{s.start, j + 1}
	}
	i := s.start
	for i > 0 && (b[i-1] == ' ' || b[i-1] == '\t' || b[i-1] == '\n' || b[i-1] == '\r') {
		i--
	}
	if i > 0 && b[i-1] == ',' {
		return span{i - 1, s.end}
	}
	return s
}

// removeEntries removes the entries of type typ after the first keep.
func removeEntries(b []byte, format, typ string, keep int) ([]byte, error) {
	es, err := entries(b, format)
	if err != nil {
		return nil, err
	}
	var drop []span
	k := 0
	for _, e := range es {
		if e.typ == typ {
			if k >= keep {
				drop = append(drop, e.whole)
			}
			k++
		}
	}
	if len(drop) == 0 {
		return nil, fmt.Errorf("the message has no %s entry to remove", typ)
	}
	for i := len(drop) - 1; i >= 0; i-- {
		s := drop[i]
		if format == "json" {
			s = jsonMemberWithComma(b, s)
		}
		b = splice(b, s, "")
	}
	return b, nil
}

// copyEntry adds a copy of the first entry of type typ, its id (and the id
// in its fullUrl) replaced by id, right after it.
func copyEntry(b []byte, format, typ, id string) ([]byte, error) {
	es, err := entries(b, format)
	if err != nil {
		return nil, err
	}
	for _, e := range es {
		if e.typ != typ {
			continue
		}
		old, err := resourceID(b, format, e)
		if err != nil {
			return nil, err
		}
		dup := strings.ReplaceAll(string(b[e.whole.start:e.whole.end]), old, id)
		if format == "json" {
			dup = ",\n" + strings.Repeat(" ", 4) + dup
		}
		return splice(b, span{e.whole.end, e.whole.end}, dup), nil
	}
	return nil, fmt.Errorf("the message has no %s entry to copy", typ)
}

func resourceID(b []byte, format string, e entry) (string, error) {
	if format == "json" {
		s, ok := jsonMember(b, e.resource, "id")
		if !ok {
			return "", fmt.Errorf("the %s has no id", e.typ)
		}
		return strings.Trim(string(b[s.start:s.end]), `"`), nil
	}
	s, ok := find(b, format, e.resource, "id")
	if !ok {
		return "", fmt.Errorf("the %s has no id", e.typ)
	}
	m := xmlValueAttr.Find(b[s.start:s.end])
	if m == nil {
		return "", fmt.Errorf("the %s has no id", e.typ)
	}
	return strings.TrimSuffix(strings.TrimPrefix(string(m), `value="`), `"`), nil
}
