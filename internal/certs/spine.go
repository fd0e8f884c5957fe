package certs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/nems-harness/nems-harness/mockspine/world"
)

// RecordSubject registers an endpoint certificate subject in a fixtures
// folder's spine.json: it sets certificateSubject on the endpoint with that
// ASID. Every other field, known or not, is kept, in its order; the file is
// rewritten with 2-space indentation. It is an error if no endpoint has the
// ASID, or if another endpoint already has the subject (the certificate
// would then speak for two systems).
func RecordSubject(fixturesDir, asid, subject string) error {
	if err := ValidASID(asid); err != nil {
		return err
	}
	subject = strings.TrimSpace(subject)
	if subject == "" {
		return errors.New("no certificate subject given")
	}
	path := filepath.Join(fixturesDir, world.SpineFile)
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("fixtures: %w", err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("fixtures: %w", err)
	}
	doc, err := decodeObject(b)
	if err != nil {
		return fmt.Errorf("parsing %s: %w", path, err)
	}
	raw, ok := doc.get("endpoints")
	if !ok {
		return fmt.Errorf("%s has no endpoints", path)
	}
	var endpoints []json.RawMessage
	if err := json.Unmarshal(raw, &endpoints); err != nil {
		return fmt.Errorf("parsing %s: endpoints: %w", path, err)
	}
	value, err := marshal(subject)
	if err != nil {
		return err
	}
	found, changed := false, false
	for i, e := range endpoints {
		ep, err := decodeObject(e)
		if err != nil {
			return fmt.Errorf("parsing %s: endpoints[%d]: %w", path, i, err)
		}
		var id, subj string
		if v, ok := ep.get("asid"); ok {
			_ = json.Unmarshal(v, &id) // a non-string asid matches nothing
		}
		if v, ok := ep.get("certificateSubject"); ok {
			_ = json.Unmarshal(v, &subj)
		}
		if id != asid {
			if strings.TrimSpace(subj) == subject {
				return fmt.Errorf("%s already registers %s for ASID %s; remove it there first", path, subject, id)
			}
			continue
		}
		found = true
		if subj == subject {
			continue
		}
		ep.set("certificateSubject", value)
		if endpoints[i], err = ep.MarshalJSON(); err != nil {
			return err
		}
		changed = true
	}
	if !found {
		return fmt.Errorf("%s has no endpoint with ASID %s", path, asid)
	}
	if !changed {
		return nil
	}
	eps, err := marshal(endpoints)
	if err != nil {
		return err
	}
	doc.set("endpoints", eps)
	compact, err := doc.MarshalJSON()
	if err != nil {
		return err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, compact, "", "  "); err != nil {
		return err
	}
	out.WriteByte('\n')
	return writeFile(path, out.Bytes(), st.Mode().Perm())
}

// member is one name/value pair of a JSON object, kept in document order.
type member struct {
	key   string
	value json.RawMessage
}

// object is a JSON object that keeps its members' order and raw values.
type object []member

func decodeObject(b []byte) (object, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New("not a JSON object")
	}
	var o object
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, ok := tok.(string)
		if !ok {
			return nil, errors.New("object key is not a string")
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		o = append(o, member{key, v})
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("unexpected data after the JSON object")
	}
	return o, nil
}

func (o object) get(key string) (json.RawMessage, bool) {
	for _, m := range o {
		if m.key == key {
			return m.value, true
		}
	}
	return nil, false
}

// set replaces a member's value, or appends the member.
func (o *object) set(key string, v json.RawMessage) {
	for i := range *o {
		if (*o)[i].key == key {
			(*o)[i].value = v
			return
		}
	}
	*o = append(*o, member{key, v})
}

// MarshalJSON writes the members in order, compactly.
func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := marshal(m.key)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		if err := json.Compact(&b, m.value); err != nil {
			return nil, err
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// marshal encodes without HTML escaping, so values read as they were
// written.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
