package fhirschema

import "unsafe"

// Walker runs Validate's checks on a document another reader scans, so
// that reading and validating take one pass: the reader calls Start,
// CharData and End as it meets start tags, character data and end tags,
// then Finish. The reader owns well-formedness (balanced tags, namespace
// declarations, references); offsets index the body given to NewWalker
// and give the errors their lines.
type Walker struct{ v *validator }

// NewWalker starts validating body, which must not change until Finish.
func NewWalker(body []byte, opt Options) *Walker {
	if opt.MaxErrors <= 0 {
		opt.MaxErrors = DefaultMaxErrors
	}
	if opt.MaxDepth <= 0 {
		opt.MaxDepth = DefaultMaxDepth
	}
	namesOnce.Do(buildNames)
	v := validators.Get().(*validator)
	v.reset(opt)
	v.nameAt = -1
	if len(body) > 0 {
		v.setSrc(unsafe.String(&body[0], len(body)))
	}
	return &Walker{v: v}
}

// Start opens an element: its namespace and local name, its attributes
// without the namespace declarations (Walker keeps no reference to the
// slice), and the offsets of the start tag's '<' and '>'. A self-closing
// tag is a Start followed by an End.
func (w *Walker) Start(space, local string, attrs []Attr, start, end int) {
	// Small, so that the reader's call goes straight to open.
	w.v.open(space, local, start, end, attrs)
}

// NameIndex is the index in Names of the element Start last opened, -1
// when the schema does not declare it there (or validation stopped).
func (w *Walker) NameIndex() int {
	if w.v.stopped {
		return -1
	}
	return int(w.v.nameAt)
}

// CharData reports character data in the innermost element, at offset
// off; blank tells whether it is only white space once references are
// replaced. A CDATA section is never blank (libxml2, the reference
// validator, reads a blank one as content).
func (w *Walker) CharData(off int, blank bool) {
	// The innermost element's textOK says most runs need no more look.
	if w.v.textOK&textFlag(blank) == 0 {
		w.v.charDataSlow(blank)
	}
}

// charDataSlow is CharData when the innermost element's textOK does not
// settle it. (Not inlined, so that CharData is.)
//
//go:noinline
func (v *validator) charDataSlow(blank bool) {
	if v.stopped || len(v.stack) == 0 {
		return
	}
	v.charData(blank)
}

// End closes the innermost element.
func (w *Walker) End() {
	// close without the namespace declarations, which the reader keeps;
	// small, so that the reader has it inlined. Once validation stopped,
	// Start pushes no frame: End pops what it can, which changes nothing
	// (errors are no longer recorded).
	v := w.v
	if n := len(v.stack) - 1; n >= 0 {
		f := &v.stack[n]
		if f.part < int32(f.endFrom) {
			v.checkEnd(f)
		}
		v.stack = v.stack[:n]
		v.textOK = f.outerTextOK
	}
}

// Stopped reports whether validation stopped (an ErrLimit error): later
// calls do nothing.
func (w *Walker) Stopped() bool { return w.v.stopped }

// Finish returns the errors in document order and releases the Walker,
// which must not be used again.
func (w *Walker) Finish() []Error {
	errs := w.v.errs
	w.v.release()
	w.v = nil
	return errs
}
