package fhir

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// errRefCharset is returned by the decoder's CharsetReader: FHIR XML is UTF-8.
var errRefCharset = errors.New("only UTF-8 is accepted")

// readXMLReference is the reader as it was written on encoding/xml, kept
// as the reference the scanner in xml.go is checked against
// (FuzzXMLAgainstReference). It streams the document token by token.
func readXMLReference(b []byte) (*Bundle, error) {
	p, shift, err := prepare(string(b), FormatXML)
	if err != nil {
		return nil, err
	}
	b = []byte(p)
	r := xmlRefReader{src: b, shift: shift}
	if err := r.read(); err != nil {
		return nil, err
	}
	return r.c.bundle(FormatXML), nil
}

type xmlRefReader struct {
	src     []byte
	shift   int64
	dec     *xml.Decoder
	c       refCollector
	charset string
}

func (r *xmlRefReader) read() error {
	d := xml.NewDecoder(bytes.NewReader(r.src))
	d.Strict = true
	d.CharsetReader = func(charset string, _ io.Reader) (io.Reader, error) {
		r.charset = charset
		return nil, errRefCharset
	}
	r.dec = d

	depth := 0
	rootSeen, rootDone := false, false
	first := true // no token read yet
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return r.tokenError(err)
		}
		wasFirst := first
		first = false
		switch t := tok.(type) {
		case xml.StartElement:
			if rootDone {
				return r.errorf("element <%s> after the end of the root element", shortText(t.Name.Local))
			}
			depth++
			if depth > MaxDepth {
				return r.errorf("elements nested deeper than %d levels", MaxDepth)
			}
			if err := r.checkAttrs(t); err != nil {
				return err
			}
			if !rootSeen {
				rootSeen = true
				if err := r.startRoot(t); err != nil {
					return err
				}
				continue
			}
			r.startElement(t)
		case xml.EndElement:
			r.c.end()
			depth--
			if depth == 0 {
				rootDone = true
			}
		case xml.CharData:
			if depth == 0 && !isXMLSpace(t) {
				if rootDone {
					return r.errorf("text after the end of the root element")
				}
				return r.errorf("text before the root element")
			}
		case xml.Directive:
			return r.errorf("DOCTYPE and other DTD declarations are not allowed (<!%s>)", shortText(string(t)))
		case xml.ProcInst:
			// The decoder has checked the declaration's version and encoding;
			// it lets a declaration through anywhere, though.
			if strings.EqualFold(t.Target, "xml") && !wasFirst {
				return r.errorf("the XML declaration must come first")
			}
		case xml.Comment:
		}
	}
	if !rootSeen {
		return &ParseError{Format: FormatXML, Offset: -1, Msg: "no root element"}
	}
	return nil
}

func (r *xmlRefReader) startRoot(t xml.StartElement) error {
	switch t.Name.Space {
	case Namespace:
		n := r.c.start(t.Name.Local, false)
		setRefAttrs(n, t.Attr)
		r.c.beginResource(t.Name.Local, false)
		return nil
	case ITKNamespace:
		r.c.start(t.Name.Local, true)
		r.c.b.ITKWrapper = true
		r.c.b.ResourceType = t.Name.Local
		return nil
	case "":
		return r.errorf("root element <%s> has no namespace; FHIR XML must be in %s", shortText(t.Name.Local), Namespace)
	default:
		return r.errorf("root element <%s> is in namespace %q; FHIR XML must be in %s",
			shortText(t.Name.Local), shortText(t.Name.Space), Namespace)
	}
}

func (r *xmlRefReader) startElement(t xml.StartElement) {
	// Narrative XHTML and any other foreign-namespace content carries no
	// FHIR facts.
	parent := r.c.top()
	n := r.c.start(t.Name.Local, t.Name.Space != Namespace)
	if n.skip {
		return
	}
	setRefAttrs(n, t.Attr)
	if parent.name == "resource" || parent.name == "contained" {
		r.c.beginResource(t.Name.Local, true)
	}
}

// setRefAttrs copies the FHIR attributes of an element: value and url.
func setRefAttrs(n *refNode, attrs []xml.Attr) {
	for _, a := range attrs {
		if a.Name.Space != "" {
			continue
		}
		switch a.Name.Local {
		case "value":
			n.value, n.hasValue = a.Value, true
		case "url":
			n.url = a.Value
		}
	}
}

// checkAttrs refuses an element that repeats an attribute, which the
// decoder itself lets through.
func (r *xmlRefReader) checkAttrs(t xml.StartElement) error {
	attrs := t.Attr
	if len(attrs) < 2 {
		return nil
	}
	if len(attrs) <= 16 {
		for i := 1; i < len(attrs); i++ {
			for j := 0; j < i; j++ {
				if attrs[i].Name == attrs[j].Name {
					return r.duplicateAttr(t, attrs[i].Name)
				}
			}
		}
		return nil
	}
	seen := make(map[xml.Name]struct{}, len(attrs))
	for _, a := range attrs {
		if _, dup := seen[a.Name]; dup {
			return r.duplicateAttr(t, a.Name)
		}
		seen[a.Name] = struct{}{}
	}
	return nil
}

func (r *xmlRefReader) duplicateAttr(t xml.StartElement, name xml.Name) error {
	return r.errorf("element <%s> repeats attribute %q", shortText(t.Name.Local), shortText(name.Local))
}

// errorf reports a problem at the decoder's current position.
func (r *xmlRefReader) errorf(format string, args ...any) error {
	line, _ := r.dec.InputPos()
	return &ParseError{
		Format: FormatXML,
		Line:   line,
		Offset: r.dec.InputOffset() + r.shift,
		Msg:    fmt.Sprintf(format, args...),
	}
}

// tokenError turns a decoder error into a ParseError.
func (r *xmlRefReader) tokenError(err error) error {
	if r.charset != "" {
		line, _ := r.dec.InputPos()
		return &ParseError{
			Format: FormatXML,
			Line:   line,
			Offset: -1,
			Msg:    fmt.Sprintf("encoding %q is not supported: FHIR XML must be UTF-8", shortText(r.charset)),
		}
	}
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return &ParseError{Format: FormatXML, Line: se.Line, Offset: -1, Msg: se.Msg}
	}
	line, _ := r.dec.InputPos()
	return &ParseError{Format: FormatXML, Line: line, Offset: -1, Msg: strings.TrimPrefix(err.Error(), "xml: ")}
}

// isXMLSpace reports whether b is only XML white space.
func isXMLSpace(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
}
