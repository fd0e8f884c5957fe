package steps

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
)

// Named changes to an event message, written once for FHIR XML and once for
// FHIR JSON. Each works on the text, so everything else in the message stays
// exactly as the example has it, and each fails when it finds nothing to
// change (a scenario that changes nothing proves nothing).

// Formats of a message.
const (
	formatXML  = "xml"
	formatJSON = "json"
)

// Identifiers the changes use.
const (
	nhsNumberSystem       = "https://fhir.nhs.uk/Id/nhs-number"
	legacyNHSNumberSystem = "http://fhir.nhs.net/Id/nhs-number"
	metURL                = "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-MessageEventType-1"
	metSystem             = "https://fhir.nhs.uk/STU3/CodeSystem/MessageEventType-1"
	metURL2019            = "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-EMS-MessageEventType-1"
	metSystem2019         = "https://fhir.nhs.uk/STU3/CodeSystem/EMS-MessageEventType-1"
	itkBundleProfile      = "https://fhir.nhs.uk/STU3/StructureDefinition/ITK-Message-Bundle-1"
	fhirNamespaceAttr     = ` xmlns="http://hl7.org/fhir"`
)

// bodyChange changes a message in a format.
type bodyChange func(body []byte, format string) ([]byte, error)

var (
	xmlValue  = func(elem string) *regexp.Regexp { return regexp.MustCompile(`<` + elem + `\s+value="[^"]*"\s*/>`) }
	jsonValue = func(member string) *regexp.Regexp {
		return regexp.MustCompile(`"` + member + `"\s*:\s*"[^"]*"`)
	}
	xmlType, jsonType       = xmlValue("type"), jsonValue("type")
	xmlProfile              = xmlValue("profile")
	jsonProfile             = regexp.MustCompile(`"profile"\s*:\s*\[\s*"[^"]*"`)
	jsonEntryStart          = regexp.MustCompile(`"entry"\s*:\s*\[`)
	jsonEventStart          = regexp.MustCompile(`"event"\s*:\s*\{`)
	xmlRootStart            = regexp.MustCompile(`<Bundle[\s>]`)
	errNothingToChange      = "the message has no %s to change"
	replacementForXMLValue  = func(elem, v string) string { return `<` + elem + ` value="` + xmlAttr(v) + `"/>` }
	replacementForJSONValue = func(member, v string) string { return `"` + member + `": ` + jsonString(v) }
)

// replaceFirst replaces the first match of re in b[from:to].
func replaceFirst(b []byte, re *regexp.Regexp, from, to int, repl string) ([]byte, bool) {
	loc := re.FindIndex(b[from:to])
	if loc == nil {
		return b, false
	}
	out := make([]byte, 0, len(b)+len(repl))
	out = append(out, b[:from+loc[0]]...)
	out = append(out, repl...)
	return append(out, b[from+loc[1]:]...), true
}

// setValue sets the first element (XML) or member (JSON) called name in
// b[from:to] to v.
func setValue(b []byte, format, name string, from, to int, v string) ([]byte, bool) {
	if format == formatJSON {
		return replaceFirst(b, jsonValue(name), from, to, replacementForJSONValue(name, v))
	}
	return replaceFirst(b, xmlValue(name), from, to, replacementForXMLValue(name, v))
}

// setBundleType sets Bundle.type: the first type in the message, which in a
// Bundle comes before any entry.
func setBundleType(v string) bodyChange {
	return func(b []byte, format string) ([]byte, error) {
		re, repl := xmlType, replacementForXMLValue("type", v)
		if format == formatJSON {
			re, repl = jsonType, replacementForJSONValue("type", v)
		}
		end := entryStart(b, format)
		out, ok := replaceFirst(b, re, 0, end, repl)
		if !ok {
			return nil, fmt.Errorf(errNothingToChange, "Bundle.type before its first entry")
		}
		return out, nil
	}
}

// entryStart is where the first entry begins (or the end of the message).
func entryStart(b []byte, format string) int {
	if format == formatJSON {
		if loc := jsonEntryStart.FindIndex(b); loc != nil {
			return loc[0]
		}
		return len(b)
	}
	if i := bytes.Index(b, []byte("<entry>")); i >= 0 {
		return i
	}
	return len(b)
}

// eventBlock is the MessageHeader.event coding: its start and end.
func eventBlock(b []byte, format string) (int, int, bool) {
	if format == formatJSON {
		loc := jsonEventStart.FindIndex(b)
		if loc == nil {
			return 0, 0, false
		}
		end := bytes.IndexByte(b[loc[1]:], '}')
		if end < 0 {
			return 0, 0, false
		}
		return loc[0], loc[1] + end, true
	}
	start := bytes.Index(b, []byte("<event>"))
	if start < 0 {
		return 0, 0, false
	}
	end := bytes.Index(b[start:], []byte("</event>"))
	if end < 0 {
		return 0, 0, false
	}
	return start, start + end, true
}

// setEvent sets the code or system of MessageHeader.event.
func setEvent(field, v string) bodyChange {
	return func(b []byte, format string) ([]byte, error) {
		from, to, ok := eventBlock(b, format)
		if !ok {
			return nil, fmt.Errorf(errNothingToChange, "MessageHeader.event")
		}
		out, ok := setValue(b, format, field, from, to, v)
		if !ok {
			return nil, fmt.Errorf(errNothingToChange, "MessageHeader.event."+field)
		}
		return out, nil
	}
}

// metBlock is the message event type extension: from its url to the end of
// its coding.
func metBlock(b []byte, format string) (int, int, bool) {
	for _, url := range []string{metURL, metURL2019} {
		var start int
		if format == formatJSON {
			start = bytes.Index(b, []byte(`"`+url+`"`))
		} else {
			start = bytes.Index(b, []byte(`url="`+url+`"`))
		}
		if start < 0 {
			continue
		}
		closing := "</extension>"
		if format == formatJSON {
			closing = "]"
		}
		end := bytes.Index(b[start:], []byte(closing))
		if end < 0 {
			return 0, 0, false
		}
		return start, start + end, true
	}
	return 0, 0, false
}

// setMessageEventType sets the code or system of the message event type.
func setMessageEventType(field, v string) bodyChange {
	return func(b []byte, format string) ([]byte, error) {
		from, to, ok := metBlock(b, format)
		if !ok {
			return nil, fmt.Errorf(errNothingToChange, "message event type extension")
		}
		out, ok := setValue(b, format, field, from, to, v)
		if !ok {
			return nil, fmt.Errorf(errNothingToChange, "message event type "+field)
		}
		return out, nil
	}
}

// replaceAll replaces every occurrence of a string, which must occur.
func replaceAll(old, new, what string) bodyChange {
	return func(b []byte, _ string) ([]byte, error) {
		if !bytes.Contains(b, []byte(old)) {
			return nil, fmt.Errorf(errNothingToChange, what)
		}
		return bytes.ReplaceAll(b, []byte(old), []byte(new)), nil
	}
}

// metIn2019Form writes the message event type extension in its 2019 (EMS)
// form: extension URL and coding system.
func metIn2019Form() bodyChange {
	return func(b []byte, format string) ([]byte, error) {
		from, to, ok := metBlock(b, format)
		if !ok || !bytes.Contains(b[from:to], []byte(metURL)) || !bytes.Contains(b[from:to], []byte(metSystem)) {
			return nil, fmt.Errorf(errNothingToChange, "message event type extension in today's form")
		}
		block := bytes.Replace(b[from:to], []byte(metURL), []byte(metURL2019), 1)
		block = bytes.Replace(block, []byte(metSystem), []byte(metSystem2019), 1)
		out := append(append(append([]byte{}, b[:from]...), block...), b[to:]...)
		return out, nil
	}
}

// setMETURL changes the URL of the message event type extension.
func setMETURL(url string) bodyChange {
	return func(b []byte, format string) ([]byte, error) {
		from, to, ok := metBlock(b, format)
		if !ok {
			return nil, fmt.Errorf(errNothingToChange, "message event type extension")
		}
		old := metURL
		if !bytes.Contains(b[from:to], []byte(old)) {
			old = metURL2019
		}
		block := bytes.Replace(b[from:to], []byte(old), []byte(url), 1)
		return append(append(append([]byte{}, b[:from]...), block...), b[to:]...), nil
	}
}

// setBundleProfile sets the first profile in the message: the Bundle's
// meta.profile, which comes before any entry.
func setBundleProfile(url string) bodyChange {
	return func(b []byte, format string) ([]byte, error) {
		end := entryStart(b, format)
		if format == formatJSON {
			out, ok := replaceFirst(b, jsonProfile, 0, end, `"profile": [`+jsonString(url))
			if !ok {
				return nil, fmt.Errorf(errNothingToChange, "Bundle meta.profile")
			}
			return out, nil
		}
		out, ok := replaceFirst(b, xmlProfile, 0, end, replacementForXMLValue("profile", url))
		if !ok {
			return nil, fmt.Errorf(errNothingToChange, "Bundle meta.profile")
		}
		return out, nil
	}
}

// firstEntryNotHeader puts a Basic resource in a new first entry, before the
// MessageHeader.
func firstEntryNotHeader() bodyChange {
	return func(b []byte, format string) ([]byte, error) {
		if format == formatJSON {
			loc := jsonEntryStart.FindIndex(b)
			if loc == nil {
				return nil, fmt.Errorf(errNothingToChange, "entry list")
			}
			ins := `{"fullUrl": "urn:uuid:00000000-0000-4000-8000-000000000001", "resource": {"resourceType": "Basic", "id": "00000000-0000-4000-8000-000000000001"}},`
			return append(append(append([]byte{}, b[:loc[1]]...), ins...), b[loc[1]:]...), nil
		}
		i := bytes.Index(b, []byte("<entry>"))
		if i < 0 {
			return nil, fmt.Errorf(errNothingToChange, "entry")
		}
		ins := `<entry><fullUrl value="urn:uuid:00000000-0000-4000-8000-000000000001"/><resource><Basic><id value="00000000-0000-4000-8000-000000000001"/></Basic></resource></entry>`
		return append(append(append([]byte{}, b[:i]...), ins...), b[i:]...), nil
	}
}

// notInFHIRNamespace removes the FHIR namespace from an XML message's root.
func notInFHIRNamespace() bodyChange {
	return func(b []byte, format string) ([]byte, error) {
		if format == formatJSON {
			return nil, fmt.Errorf("a JSON message has no XML namespace to remove")
		}
		loc := xmlRootStart.FindIndex(b)
		if loc == nil {
			return nil, fmt.Errorf(errNothingToChange, "Bundle root element")
		}
		end := bytes.IndexByte(b[loc[0]:], '>')
		if end < 0 {
			return nil, fmt.Errorf(errNothingToChange, "Bundle root element")
		}
		tag := b[loc[0] : loc[0]+end]
		if !bytes.Contains(tag, []byte(fhirNamespaceAttr)) {
			return nil, fmt.Errorf(errNothingToChange, "FHIR namespace on the root element")
		}
		newTag := bytes.Replace(tag, []byte(fhirNamespaceAttr), nil, 1)
		return append(append(append([]byte{}, b[:loc[0]]...), newTag...), b[loc[0]+end:]...), nil
	}
}

// resourceInsteadOfBundle is a lone resource of a type, in the format.
func resourceInsteadOfBundle(resourceType string) bodyChange {
	return func(_ []byte, format string) ([]byte, error) {
		if format == formatJSON {
			return []byte(`{"resourceType": ` + jsonString(resourceType) + `, "id": "not-a-bundle"}`), nil
		}
		return []byte(`<` + resourceType + ` xmlns="http://hl7.org/fhir"><id value="not-a-bundle"/></` + resourceType + `>`), nil
	}
}

// padTo pads a message with trailing whitespace to exactly n bytes.
func padTo(n int) bodyChange {
	return func(b []byte, _ string) ([]byte, error) {
		if len(b) > n {
			return nil, fmt.Errorf("the message is already %d bytes, more than %d", len(b), n)
		}
		out := make([]byte, n)
		copy(out, b)
		for i := len(b); i < n; i++ {
			out[i] = ' '
		}
		if len(b) < n {
			out[len(b)] = '\n'
		}
		return out, nil
	}
}

// cutAfter keeps the first n bytes of a message.
func cutAfter(n int) bodyChange {
	return func(b []byte, _ string) ([]byte, error) {
		if n >= len(b) {
			return nil, fmt.Errorf("the message is only %d bytes; cutting it after %d bytes changes nothing", len(b), n)
		}
		return append([]byte{}, b[:n]...), nil
	}
}

// xmlAttr escapes text for a double-quoted XML attribute.
func xmlAttr(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

// jsonString quotes text as a JSON string.
func jsonString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
