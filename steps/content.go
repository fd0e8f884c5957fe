package steps

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"strings"

	"github.com/cucumber/godog"

	"github.com/nems-harness/nems-harness/internal/fhir"
	"github.com/nems-harness/nems-harness/mockspine/world"
)

// registerContentSteps adds the steps of the event-content scenarios
// (features/content*.feature): changes to the message's content, sending
// further messages about the same record, and the warnings a content rule
// gives in an answer.
func registerContentSteps(sc *godog.ScenarioContext, st *state) {
	step(sc, `^in the message, the text is replaced:$`, func(t *godog.Table) error {
		if len(t.Rows) < 2 || len(t.Rows[0].Cells) != 2 {
			return fmt.Errorf("the table needs a header row | from | to | and one row per replacement")
		}
		for _, row := range t.Rows[1:] {
			from, to := row.Cells[0].Value, row.Cells[1].Value
			st.bodyChanges = append(st.bodyChanges, namedChange{"replacing " + from, replaceText(from, to)})
		}
		return nil
	})
	step(sc, `^in the message, "([^"]*)" is removed$`, func(text string) error {
		st.bodyChanges = append(st.bodyChanges, namedChange{"removing " + text, replaceText(text, "")})
		return nil
	})
	step(sc, `^the MessageHeader id stays the same from one message to the next$`, func() error {
		id := newUUID()
		st.bodyChanges = append(st.bodyChanges, namedChange{"fixing the MessageHeader id", setHeaderID(id)})
		return nil
	})
	step(sc, `^the record is new to the run$`, func() error {
		id := "REC-" + newUUID()
		st.bodyChanges = append(st.bodyChanges, namedChange{"giving the record a new identifier", setFocusIdentifier(id)})
		return nil
	})
	step(sc, `^the Patient resource carries the NHS number of another patient on PDS$`, func() error {
		w, err := st.world()
		if err != nil {
			return err
		}
		st.bodyChanges = append(st.bodyChanges, namedChange{"giving the Patient another NHS number", otherPatientNHS(w)})
		return nil
	})
	// The scenario's meta.versionId: set once, changed before a later send.
	versionID := ""
	step(sc, `^the MessageHeader meta.versionId is (\d+)$`, func(n string) error {
		if versionID == "" {
			st.bodyChanges = append(st.bodyChanges, namedChange{"setting meta.versionId", func(b []byte, format string) ([]byte, error) {
				return setVersionID(versionID)(b, format)
			}})
		}
		versionID = n
		return nil
	})
	step(sc, `^the (new|update|delete) message for the same record is sent$`, func(ctx context.Context, mt string) (context.Context, error) {
		st.messageType = mt
		return st.send(ctx, clientSender)
	})
	step(sc, `^the same message is sent again$`, func(ctx context.Context) (context.Context, error) {
		return st.send(ctx, clientSender)
	})
	step(sc, `^the answer has a warning for rule ([A-Z0-9-]+) with Spine code ([A-Z_]+) and issue type ([a-z-]+)$`,
		func(rule, code, issueType string) error {
			o, a, err := st.outcome()
			if err != nil {
				return fmt.Errorf("rule %s: %w", rule, err)
			}
			is := findIssue(o, rule)
			if is == nil {
				return fmt.Errorf("rule %s: expected a warning whose diagnostics start with [%s]; %s", rule, rule, a.summary())
			}
			if is.Severity != "warning" || is.Details.Code != code || is.Code != issueType {
				return fmt.Errorf("rule %s: the issue has severity %s, Spine code %s, issue type %s (diagnostics: %q)",
					rule, is.Severity, is.Details.Code, is.Code, is.Diagnostics)
			}
			return nil
		})
	step(sc, `^the answer has no issue for rule ([A-Z0-9-]+)$`, func(rule string) error {
		a, err := st.need()
		if err != nil {
			return err
		}
		if len(a.body) == 0 {
			return nil
		}
		o, err := a.outcome()
		if err != nil {
			return err
		}
		if is := findIssue(o, rule); is != nil {
			return fmt.Errorf("rule %s: expected no issue, found %s %q", rule, is.Severity, is.Diagnostics)
		}
		return nil
	})
}

// replaceText replaces the first occurrence of a text of the message.
func replaceText(from, to string) bodyChange {
	return func(b []byte, _ string) ([]byte, error) {
		if !bytes.Contains(b, []byte(from)) {
			return nil, fmt.Errorf("the message does not contain %q", from)
		}
		return bytes.Replace(b, []byte(from), []byte(to), 1), nil
	}
}

// setHeaderID gives the MessageHeader an id, wherever its id appears.
func setHeaderID(id string) bodyChange {
	return func(b []byte, format string) ([]byte, error) {
		_, doc, err := fhir.ReadDoc(b, format)
		if err != nil || len(doc.Entries) == 0 {
			return nil, fmt.Errorf("the message has no MessageHeader to give an id")
		}
		old, ok := doc.Entries[0].Resource.Val("id")
		if !ok {
			return nil, fmt.Errorf("the MessageHeader has no id")
		}
		return bytes.ReplaceAll(b, []byte(old), []byte(id)), nil
	}
}

// setFocusIdentifier replaces the value of the focus resource's first
// identifier (the record's key), wherever it appears.
func setFocusIdentifier(id string) bodyChange {
	return func(b []byte, format string) ([]byte, error) {
		_, doc, err := fhir.ReadDoc(b, format)
		if err != nil {
			return nil, err
		}
		for _, e := range doc.Entries {
			switch e.Resource.Type() {
			case "Immunization", "EpisodeOfCare", "Encounter":
				if v, ok := e.Resource.Val("identifier.value"); ok {
					return bytes.ReplaceAll(b, []byte(v), []byte(id)), nil
				}
			}
		}
		return nil, fmt.Errorf("the message has no focus resource with an identifier value")
	}
}

// otherPatientNHS gives the Patient resource the NHS number of another
// traced patient, leaving the routing demographics as they are.
func otherPatientNHS(w *world.World) bodyChange {
	return func(b []byte, format string) ([]byte, error) {
		_, doc, err := fhir.ReadDoc(b, format)
		if err != nil {
			return nil, err
		}
		var nhs string
		for _, e := range doc.Entries {
			if e.Resource.Type() == "Patient" {
				nhs, _ = e.Resource.Val("identifier.value")
			}
		}
		if nhs == "" {
			return nil, fmt.Errorf("the message has no Patient with an NHS number")
		}
		for _, p := range w.PDS.Patients {
			if p.NHSNumber != nhs && len(p.Flags) == 0 {
				i := bytes.LastIndex(b, []byte(nhs))
				return append(append(bytes.Clone(b[:i]), p.NHSNumber...), b[i+len(nhs):]...), nil
			}
		}
		return nil, fmt.Errorf("the fixtures have no second traced patient")
	}
}

// setVersionID puts a meta.versionId in the MessageHeader's meta.
func setVersionID(n string) bodyChange {
	return func(b []byte, format string) ([]byte, error) {
		if format == formatJSON {
			return nil, fmt.Errorf("meta.versionId is set in XML messages only")
		}
		i := bytes.Index(b, []byte("<lastUpdated "))
		if i < 0 {
			return nil, fmt.Errorf("the message has no meta.lastUpdated to put meta.versionId before")
		}
		return append(append(bytes.Clone(b[:i]), []byte(`<versionId value="`+n+`"/>`)...), b[i:]...), nil
	}
}

func newUUID() string {
	var u [16]byte
	_, _ = rand.Read(u[:]) // crypto/rand.Read never fails on supported platforms
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return strings.ToLower(fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16]))
}
