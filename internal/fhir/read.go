package fhir

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/nems-harness/nems-harness/internal/fhirschema"
)

// Formats accepted by Read.
const (
	FormatXML  = "xml"
	FormatJSON = "json"
)

// MaxDepth is the deepest nesting of XML elements, or of JSON objects and
// arrays, that the readers accept. Real message bundles nest a few dozen
// levels; the limit stops pathological input early.
const MaxDepth = 256

// Extension URLs and other identifiers the readers look for.
const (
	// MessageEventTypeURL is today's message event type extension.
	MessageEventTypeURL = "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-MessageEventType-1"
	// MessageEventTypeURL2019 is the 2019 (EMS) form of the extension.
	MessageEventTypeURL2019 = "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-EMS-MessageEventType-1"
	// RoutingDemographicsURL is the MessageHeader extension carrying the
	// patient's NHS number, name and birth date for routing.
	RoutingDemographicsURL = "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-RoutingDemographics-1"
	// BirthTimeURL is the core extension refining Patient.birthDate.
	BirthTimeURL = "http://hl7.org/fhir/StructureDefinition/patient-birthTime"
	// ITKNamespace is the XML namespace of ITK wrapper (distribution
	// envelope) roots.
	ITKNamespace = "urn:nhs-itk:ns:201005"
)

// ParseError reports that a body is not well-formed in its format: a syntax
// error, a forbidden construct (DTD, foreign encoding, duplicate JSON key),
// nesting beyond MaxDepth, or trailing data.
type ParseError struct {
	Format string // FormatXML or FormatJSON
	// Line is the 1-based line of the problem, 0 when unknown.
	Line int
	// Offset is the byte offset of the problem, -1 when unknown.
	Offset int64
	Msg    string
}

func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString(strings.ToUpper(e.Format))
	switch {
	case e.Line > 0 && e.Offset >= 0:
		fmt.Fprintf(&b, ", line %d (byte %d)", e.Line, e.Offset)
	case e.Line > 0:
		fmt.Fprintf(&b, ", line %d", e.Line)
	case e.Offset >= 0:
		fmt.Fprintf(&b, ", byte %d", e.Offset)
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}

// Body is a message body as the readers take it. A string is read as it
// is: the readers slice names and values out of it without copying, which
// is safe because a string cannot change. Bytes are copied into a string
// first.
type Body interface{ ~string | ~[]byte }

// text is a body as a string: itself, or a copy of its bytes.
func text[T Body](b T) string { return string(b) }

// Read reads a message bundle in format "xml" or "json" (case-insensitive).
func Read[T Body](b T, format string) (*Bundle, error) {
	switch strings.ToLower(strings.TrimSpace(format)) {
	case FormatXML:
		return ReadXML(b)
	case FormatJSON:
		return ReadJSON(b)
	default:
		return nil, fmt.Errorf("fhir: unknown format %q: want %q or %q", format, FormatXML, FormatJSON)
	}
}

const utf8BOM = "\xEF\xBB\xBF"

// prepare checks that b is UTF-8 and drops a leading byte order mark. The
// returned offset shift is the number of bytes dropped, for error positions.
func prepare(b string, format string) (string, int64, error) {
	var shift int64
	if strings.HasPrefix(b, utf8BOM) {
		b = b[len(utf8BOM):]
		shift = int64(len(utf8BOM))
	}
	if utf8.ValidString(b) {
		return b, shift, nil
	}
	off := 0
	for off < len(b) {
		r, size := utf8.DecodeRuneInString(b[off:])
		if r == utf8.RuneError && size <= 1 {
			break
		}
		off += size
	}
	return "", 0, &ParseError{
		Format: format,
		Line:   lineAt(b, off),
		Offset: int64(off) + shift,
		Msg:    fmt.Sprintf("invalid UTF-8 (byte 0x%02X); the body must be UTF-8", b[off]),
	}
}

// lineAt returns the 1-based line holding byte offset off of b.
func lineAt[T string | []byte](b T, off int) int {
	off = min(max(off, 0), len(b))
	return strings.Count(string(b[:off]), "\n") + 1
}

// shortText bounds how much of the input an error message repeats.
func shortText(s string) string { return shortN(s, 60) }

// shortN cuts s to at most max bytes, on a character boundary, marking the
// cut.
func shortN(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}

// quoted quotes s for an error message, in at most about max bytes: the
// quoting itself can make a character four times as long.
func quoted(s string, max int) string {
	q := strconv.Quote(s)
	if len(q) <= max+2 {
		return q
	}
	return shortN(q, max)
}

// datePart returns the date of a FHIR date or dateTime: everything before
// the time ("2017-10-02T12:00:00+00:00" gives "2017-10-02").
func datePart(s string) string {
	if i := strings.IndexByte(s, 'T'); i >= 0 {
		return s[:i]
	}
	return s
}

// isNHSNumberSystem reports whether an identifier system is an NHS number's.
func isNHSNumberSystem(s string) bool {
	return s == NHSNumberSystem || s == LegacyNHSNumberSystem
}

// isITKMarker reports whether an extension URL or profile marks an ITK3
// wrapper (ITK-Message-Bundle-1, ITK-MessageHeader-2,
// Extension-ITK-MessageHandling-2 and their relatives).
func isITKMarker(s string) bool {
	if !strings.Contains(s, "ITK-") { // the commonest: one quick look
		return false
	}
	return strings.Contains(s, "/StructureDefinition/ITK-") ||
		strings.Contains(s, "/StructureDefinition/Extension-ITK-")
}

// itkEventCode is the MessageHeader event code of an ITK3 wrapper.
const itkEventCode = "ITK011M"

// timeTypes are the types of the values Doc.Times holds.
var timeTypes = fhirschema.NewTypeSet("dateTime", "instant")

// visitTime keeps a value the schema walker typed as a time, for
// Doc.Times. The paths are gathered in one buffer and made strings at the
// end, together. A value is the walker's string (a slice of the body, or
// built afresh): it is kept as it is.
func (r *xmlReader) visitTime(n *fhirschema.Node) {
	if !n.HasValue {
		return
	}
	r.paths = n.AppendPath(r.paths)
	r.ends = append(r.ends, len(r.paths))
	doc := r.d.doc
	if doc.Times == nil {
		doc.Times = make([]TypedValue, 0, 8) // a message holds a few
	}
	doc.Times = append(doc.Times, TypedValue{Value: n.Value, Type: n.Type.FHIRType(), Line: n.Line, Entry: n.Entry})
}

// ReadDoc reads a message bundle as Read does and, in the same pass, builds
// the whole element tree (see Doc). The Doc slices its strings out of the
// body as a string (bytes are copied first, as for Read).
func ReadDoc[T Body](body T, format string) (*Bundle, *Doc, error) {
	f := strings.ToLower(strings.TrimSpace(format))
	if f != FormatXML && f != FormatJSON {
		return nil, nil, fmt.Errorf("fhir: unknown format %q: want %q or %q", format, FormatXML, FormatJSON)
	}
	b, shift, err := prepare(text(body), f)
	if err != nil {
		return nil, nil, err
	}
	if f == FormatXML {
		r := xmlReaders.Get().(*xmlReader)
		defer r.release()
		d := &r.d
		d.begin(f, b)
		r.src, r.shift, r.c.d = b, shift, d
		// The schema is checked in the same pass (fhirschema.Walker); the
		// validator reads the bytes and keeps nothing, so it is given a
		// view of the string.
		doc := d.doc
		r.paths, r.ends = r.paths[:0], r.ends[:0]
		if r.visit == nil {
			// Made once for the pooled reader: a closure made per document
			// would be garbage, with the variables it shares.
			r.visit = func(n *fhirschema.Node) { r.visitTime(n) }
		}
		r.w = fhirschema.NewWalker(unsafe.Slice(unsafe.StringData(b), len(b)), fhirschema.Options{VisitOnly: timeTypes, Visit: r.visit})
		err := r.read()
		errs := r.w.Finish()
		r.w = nil
		if err != nil {
			return nil, nil, err
		}
		all, from := string(r.paths), 0
		for i := range doc.Times {
			doc.Times[i].Path, from = all[from:r.ends[i]], r.ends[i]
		}
		doc.Schema, doc.SchemaChecked = errs, true
		return r.c.bundle(FormatXML), d.finish(), nil
	}
	r := jsonReaders.Get().(*jsonReader)
	defer r.release()
	d := &r.d
	d.begin(f, b)
	r.src, r.shift, r.c.d = b, shift, d
	if err := r.read(); err != nil {
		return nil, nil, err
	}
	if err := r.typeError(); err != nil {
		return nil, nil, err
	}
	return r.c.bundle(FormatJSON), d.finish(), nil
}
