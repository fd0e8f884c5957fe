package mockspine

// SetEntryBody exposes Entry.setBody to the external tests.
func SetEntryBody(e *Entry, b []byte) { e.setBody(string(b)) }
