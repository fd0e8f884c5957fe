package dashboard

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"strings"

	"github.com/nems-harness/nems-harness/internal/fhir"
)

// maxPretty is the largest body laid out again; a larger one is shown as
// sent.
const maxPretty = 4 << 20

// pretty lays a JSON or XML document out one element per line, indented.
// It reports false when the body does not parse: it is then shown as sent.
func pretty(body, format string) (string, bool) {
	if len(body) > maxPretty {
		return "", false
	}
	if format == fhir.FormatJSON {
		var b bytes.Buffer
		if json.Indent(&b, []byte(body), "", "  ") != nil {
			return "", false
		}
		return b.String(), true
	}
	s, err := prettyXML(body)
	return s, err == nil
}

// prettyXML re-indents XML from its raw tokens, keeping prefixes,
// attributes and text as written (text is trimmed; whitespace between
// elements is dropped).
func prettyXML(body string) (string, error) {
	dec := xml.NewDecoder(strings.NewReader(body))
	dec.Strict = true
	var b strings.Builder
	depth := 0
	open := false // a start tag was written and its element has had nothing yet
	text := ""    // the text of the open element, when it holds only text
	name := func(n xml.Name) string {
		if n.Space != "" {
			return n.Space + ":" + n.Local
		}
		return n.Local
	}
	newline := func() {
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(strings.Repeat("  ", depth))
	}
	for {
		tok, err := dec.RawToken()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if open {
				b.WriteByte('>')
				if text != "" {
					newline()
					b.WriteString(text)
					text = ""
				}
			}
			newline()
			b.WriteString("<" + name(t.Name))
			for _, a := range t.Attr {
				b.WriteString(" " + name(a.Name) + `="`)
				xmlEscapeAttr(&b, a.Value)
				b.WriteByte('"')
			}
			depth++
			open = true
		case xml.EndElement:
			depth--
			switch {
			case open && text == "":
				b.WriteString("/>")
			case open:
				b.WriteString(">" + text + "</" + name(t.Name) + ">")
			default:
				newline()
				b.WriteString("</" + name(t.Name) + ">")
			}
			open, text = false, ""
		case xml.CharData:
			s := strings.TrimSpace(string(t))
			if s == "" {
				continue
			}
			var esc bytes.Buffer
			_ = xml.EscapeText(&esc, []byte(s))
			if open {
				text += esc.String()
				continue
			}
			newline()
			b.WriteString(esc.String())
		case xml.Comment:
			closeOpen(&b, &open, &text, newline)
			newline()
			b.WriteString("<!--" + string(t) + "-->")
		case xml.ProcInst:
			closeOpen(&b, &open, &text, newline)
			newline()
			b.WriteString("<?" + t.Target + " " + string(t.Inst) + "?>")
		case xml.Directive:
			closeOpen(&b, &open, &text, newline)
			newline()
			b.WriteString("<!" + string(t) + ">")
		}
	}
	if depth != 0 {
		return "", errors.New("unclosed element")
	}
	return b.String(), nil
}

func closeOpen(b *strings.Builder, open *bool, text *string, newline func()) {
	if !*open {
		return
	}
	b.WriteByte('>')
	if *text != "" {
		newline()
		b.WriteString(*text)
		*text = ""
	}
	*open = false
}

func xmlEscapeAttr(b *strings.Builder, s string) {
	var esc bytes.Buffer
	_ = xml.EscapeText(&esc, []byte(s))
	b.WriteString(strings.ReplaceAll(esc.String(), `"`, "&quot;"))
}
