package fhir

// The refCollector as it was before the readers were rewritten, kept for the
// reference readers (readXMLReference, readJSONReference), so that they
// share nothing with the code under test but the helpers of read.go.

import "strings"

// refCollector turns a stream of element events, produced alike by the XML and
// JSON readers, into Bundle facts. It keeps one small refNode per open element
// and one refFrame per open resource, so memory does not grow with the size of
// the message (beyond the facts themselves).
//
// Elements are named as in FHIR: an XML element <system value="x"/> and a
// JSON member "system": "x" both become an element "system" with value "x".
// A JSON array gives one element per item. A JSON primitive's extension
// member "_birthDate" becomes a second element "birthDate" without a value.
// An extension's url (an XML attribute, a JSON member) is the element's url.
//
// The JSON reader cannot know an object's url or resourceType before it has
// read every member, so nothing here depends on member order: children
// report what they found to their parent when they end, extensions are
// interpreted when they end, and resources when they end.
type refCollector struct {
	b      Bundle
	stack  []refNode
	frames []refFrame
	meta   []refNHSMeta // parallel to b.NHSNumbers
	// firstDone is set once the first entry's resource has ended.
	firstDone bool
}

// refNode is one open element.
type refNode struct {
	name     string
	value    string
	hasValue bool
	url      string
	// skip marks content that carries no FHIR meaning (an ITK wrapper
	// root, XHTML narrative, elements in foreign namespaces).
	skip bool
	// res is the index of the refFrame this element is the root of, or -1.
	res int
	// entryNo is the entry's index when this is an entry of the root
	// Bundle, or -1.
	entryNo int

	// Facts reported by children when they end.
	system, code, display, idValue string
	hasSystem, hasIDValue          bool
	family, use                    string
	hasFamily, hasUse              bool
	dateTime                       string // valueDateTime
	birthTime                      string // patient-birthTime on a birthDate
	humanFamily                    string // valueHumanName.family
	hasHuman                       bool
	codingSystem, codingCode       string // first coding of a CodeableConcept
	hasCoding                      bool
	// nhsIdx is the NHS number recorded by a child identifier, or -1.
	nhsIdx int
	// Routing demographics sub-extensions, gathered by the parent extension.
	rdNHS     []int
	rdFamily  string
	rdHasName bool
	rdBirth   string
}

// refFrame is one open resource.
type refFrame struct {
	typ   string
	id    string
	depth int // index in stack of the resource's own element
	// entryNo is the root Bundle entry holding this resource, or -1.
	entryNo int
	// nhsFrom is the index of the first NHS number recorded inside it.
	nhsFrom int

	// Patient.
	officialFamily, firstFamily string
	hasOfficial, hasFirst       bool
	birthDate, birthTime        string

	// MessageHeader.
	hdr    MessageHeader
	hasMET bool
}

// refNHSMeta is what the refCollector still needs to label an NHS number.
type refNHSMeta struct {
	relpath string // element path inside its resource, e.g. "identifier"
	routing bool   // inside a routing demographics extension
	done    bool
}

// start opens an element. skip marks it (and so its content) as carrying no
// FHIR meaning; content inside a skipped element is skipped too.
func (c *refCollector) start(name string, skip bool) *refNode {
	if n := len(c.stack); n > 0 && c.stack[n-1].skip {
		skip = true
	}
	entryNo := -1
	if !skip && name == "entry" && len(c.stack) == 1 && c.stack[0].res == 0 {
		entryNo = c.b.Entries
		c.b.Entries++
	}
	c.stack = append(c.stack, refNode{name: name, skip: skip, res: -1, entryNo: entryNo, nhsIdx: -1})
	return &c.stack[len(c.stack)-1]
}

// top returns the innermost open element.
func (c *refCollector) top() *refNode { return &c.stack[len(c.stack)-1] }

// beginResource marks the innermost open element as a resource of type typ
// (which may be "" until setResourceType). wrapped says the element sits
// inside a <resource> or <contained> wrapper element (XML); in JSON the
// wrapper member's value is the resource itself.
func (c *refCollector) beginResource(typ string, wrapped bool) {
	pos := len(c.stack) - 1
	n := &c.stack[pos]
	if n.skip {
		return
	}
	f := refFrame{typ: typ, depth: pos, entryNo: -1, nhsFrom: len(c.b.NHSNumbers)}
	holder := pos // the element named "resource" for an entry's resource
	if wrapped {
		holder--
	}
	if holder >= 1 && c.stack[holder].name == "resource" && c.stack[holder-1].entryNo >= 0 {
		f.entryNo = c.stack[holder-1].entryNo
	}
	n.res = len(c.frames)
	c.frames = append(c.frames, f)
}

// setResourceType names the resource whose element is innermost.
func (c *refCollector) setResourceType(typ string) {
	if n := c.top(); n.res >= 0 {
		c.frames[n.res].typ = typ
	}
}

// parentName returns the name of the innermost open element's parent.
func (c *refCollector) parentName() string {
	if len(c.stack) < 2 {
		return ""
	}
	return c.stack[len(c.stack)-2].name
}

// end closes the innermost element, reporting its facts to its parent.
func (c *refCollector) end() {
	last := len(c.stack) - 1
	n := &c.stack[last]
	if n.skip {
		c.stack = c.stack[:last]
		return
	}
	var parent *refNode
	if last > 0 {
		parent = &c.stack[last-1]
	}

	if n.hasSystem && isNHSNumberSystem(n.system) &&
		(n.hasIDValue || n.name == "identifier" || strings.HasSuffix(n.name, "Identifier")) {
		idx := c.recordNHS(last, n)
		if parent != nil && parent.nhsIdx < 0 {
			parent.nhsIdx = idx
		}
	}

	if parent != nil {
		c.report(n, parent, last)
	}
	if n.name == "extension" || n.name == "modifierExtension" {
		c.endExtension(n, parent)
	}
	if n.res >= 0 {
		c.endResource(n.res)
	}
	c.stack = c.stack[:last]
}

// report passes an ended element's facts to its parent.
func (c *refCollector) report(n, parent *refNode, pos int) {
	switch n.name {
	case "system":
		if n.hasValue && !parent.hasSystem {
			parent.system, parent.hasSystem = n.value, true
		}
	case "code":
		if n.hasValue && parent.code == "" {
			parent.code = n.value
		}
	case "display":
		if n.hasValue && parent.display == "" {
			parent.display = n.value
		}
	case "value":
		if n.hasValue && !parent.hasIDValue {
			parent.idValue, parent.hasIDValue = n.value, true
		}
	case "url":
		if n.hasValue && parent.url == "" {
			parent.url = n.value
		}
	case "family":
		if n.hasValue && !parent.hasFamily {
			parent.family, parent.hasFamily = n.value, true
		}
	case "use":
		if n.hasValue && !parent.hasUse {
			parent.use, parent.hasUse = n.value, true
		}
	case "valueDateTime":
		if n.hasValue && parent.dateTime == "" {
			parent.dateTime = n.value
		}
	case "valueHumanName":
		if !parent.hasHuman {
			parent.humanFamily, parent.hasHuman = n.family, true
		}
	case "coding":
		if !parent.hasCoding {
			parent.codingSystem, parent.codingCode, parent.hasCoding = n.system, n.code, true
		}
	case "valueCodeableConcept":
		if n.hasCoding && !parent.hasCoding {
			parent.codingSystem, parent.codingCode, parent.hasCoding = n.codingSystem, n.codingCode, true
		}
	case "profile":
		if n.hasValue && parent.name == "meta" && isITKMarker(n.value) {
			c.b.ITKWrapper = true
		}
	}

	if parent.res >= 0 {
		c.reportToResource(n, &c.frames[parent.res], parent.res)
		return
	}
	// MessageHeader.source.endpoint
	if n.name == "endpoint" && n.hasValue && parent.name == "source" && pos >= 2 {
		if gp := &c.stack[pos-2]; gp.res >= 0 && c.frames[gp.res].hdr.SourceEndpoint == "" {
			c.frames[gp.res].hdr.SourceEndpoint = n.value
		}
	}
}

// reportToResource handles the direct children of a resource element.
func (c *refCollector) reportToResource(n *refNode, f *refFrame, res int) {
	switch n.name {
	case "id":
		if n.hasValue && f.id == "" {
			f.id = n.value
		}
	case "type":
		if res == 0 && n.hasValue && c.b.Type == "" {
			c.b.Type = n.value
		}
	case "name": // Patient.name (HumanName); other resources' names are ignored
		if !f.hasFirst {
			f.firstFamily, f.hasFirst = n.family, true
		}
		if n.use == "official" && !f.hasOfficial {
			f.officialFamily, f.hasOfficial = n.family, true
		}
	case "birthDate":
		if n.hasValue && f.birthDate == "" {
			f.birthDate = n.value
		}
		if n.birthTime != "" && f.birthTime == "" {
			f.birthTime = n.birthTime
		}
	case "event": // MessageHeader.event (Coding)
		if f.hdr.EventSystem == "" && f.hdr.EventCode == "" && f.hdr.EventDisplay == "" {
			f.hdr.EventSystem, f.hdr.EventCode, f.hdr.EventDisplay = n.system, n.code, n.display
		}
	}
}

// endExtension interprets an extension once all of it (url included) is
// known.
func (c *refCollector) endExtension(n, parent *refNode) {
	if isITKMarker(n.url) {
		c.b.ITKWrapper = true
	}
	switch n.url {
	case BirthTimeURL:
		if parent != nil && parent.name == "birthDate" && parent.birthTime == "" {
			parent.birthTime = n.dateTime
		}
	case MessageEventTypeURL, MessageEventTypeURL2019:
		if parent != nil && parent.res >= 0 {
			if f := &c.frames[parent.res]; !f.hasMET {
				f.hasMET = true
				f.hdr.MessageEventTypeURL = n.url
				f.hdr.MessageEventTypeSystem = n.codingSystem
				f.hdr.MessageEventType = n.codingCode
			}
		}
	case RoutingDemographicsURL:
		for _, idx := range n.rdNHS {
			m := &c.meta[idx]
			m.routing = true
			nn := &c.b.NHSNumbers[idx]
			if n.rdHasName {
				nn.Family = n.rdFamily
			}
			nn.BirthDate = datePart(n.rdBirth)
		}
	// Sub-extensions of the routing demographics extension. Their parent's
	// url may not be known yet (JSON member order), so they report to any
	// parent extension, which uses the facts only if it proves to be the
	// routing demographics extension.
	case "nhsNumber":
		if parent != nil && n.nhsIdx >= 0 {
			parent.rdNHS = append(parent.rdNHS, n.nhsIdx)
		}
	case "name":
		if parent != nil && n.hasHuman && !parent.rdHasName {
			parent.rdFamily, parent.rdHasName = n.humanFamily, true
		}
	case "birthDateTime":
		if parent != nil && parent.rdBirth == "" {
			parent.rdBirth = n.dateTime
		}
	}
}

// recordNHS records the NHS number identifier held by the element at pos.
func (c *refCollector) recordNHS(pos int, n *refNode) int {
	relpath := ""
	if len(c.frames) > 0 {
		from := c.frames[len(c.frames)-1].depth + 1
		names := make([]string, 0, pos+1-from)
		for i := from; i <= pos; i++ {
			names = append(names, c.stack[i].name)
		}
		relpath = strings.Join(names, ".")
	}
	c.b.NHSNumbers = append(c.b.NHSNumbers, NHSNumber{Value: n.idValue, System: n.system})
	c.meta = append(c.meta, refNHSMeta{relpath: relpath})
	return len(c.b.NHSNumbers) - 1
}

// endResource labels the NHS numbers found in the resource and records the
// resource's own facts.
func (c *refCollector) endResource(res int) {
	f := &c.frames[res]
	label := f.typ
	if label == "" {
		label = "resource"
	}
	for i := f.nhsFrom; i < len(c.meta); i++ {
		m := &c.meta[i]
		if m.done {
			continue
		}
		m.done = true
		nn := &c.b.NHSNumbers[i]
		if m.routing {
			nn.Where = label + " routing demographics"
			continue
		}
		where := label
		if f.id != "" {
			where += " " + f.id
		}
		nn.Where = where + " " + m.relpath
		if f.typ == "Patient" && m.relpath == "identifier" {
			nn.Family = f.family()
			// Patient.birthDate is a date; the patient-birthTime extension on
			// it gives the exact time of birth and so refines it. Where they
			// disagree, the birth time wins: the specification's own examples
			// give birthDate 2013-10-12 with birthTime 2017-10-02 and routing
			// demographics 2017-10-02, so the birth time is the value the
			// publisher meant (and the one PDS holds).
			if f.birthTime != "" {
				nn.BirthDate = datePart(f.birthTime)
			} else {
				nn.BirthDate = datePart(f.birthDate)
			}
		}
	}

	if f.entryNo == 0 && !c.firstDone {
		c.firstDone = true
		c.b.FirstResource = f.typ
		if f.typ == "MessageHeader" {
			h := f.hdr
			c.b.Header = &h
			if h.EventCode == itkEventCode {
				c.b.ITKWrapper = true
			}
		}
	}
	if res == 0 {
		c.b.ResourceType = f.typ
	}
	c.frames = c.frames[:res]
}

// family is the Patient's official family name, or that of its first name.
func (f *refFrame) family() string {
	if f.hasOfficial {
		return f.officialFamily
	}
	return f.firstFamily
}

// bundle returns the facts gathered.
func (c *refCollector) bundle(format string) *Bundle {
	b := c.b
	b.Format = format
	return &b
}
