package steps

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"

	"github.com/cucumber/godog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/fixtures"
	"github.com/nems-harness/nems-harness/internal/fhir"
	"github.com/nems-harness/nems-harness/internal/nhsnumber"
	"github.com/nems-harness/nems-harness/mockspine"
	"github.com/nems-harness/nems-harness/mockspine/world"
	"github.com/nems-harness/nems-harness/publish"
)

func defaultWorld(t *testing.T) *world.World {
	t.Helper()
	w, err := fixtures.Default()
	require.NoError(t, err)
	return w
}

// messages returns every example message with its format.
func messages(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, ev := range mockspine.PublishableEventTypes() {
		for _, mt := range mockspine.MessageEventTypes() {
			for _, f := range []string{formatXML, formatJSON} {
				b, err := publish.Message(ev.Code, mt, f, nil)
				require.NoError(t, err)
				out[ev.Code+"-"+mt+"."+f] = b
			}
		}
	}
	require.Len(t, out, 30)
	return out
}

func formatOf(name string) string {
	if strings.HasSuffix(name, ".json") {
		return formatJSON
	}
	return formatXML
}

func wellFormed(t *testing.T, b []byte, format string) {
	t.Helper()
	if format == formatJSON {
		require.True(t, json.Valid(b), "not JSON:\n%s", b)
		return
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		require.NoError(t, err, "not XML:\n%s", b)
	}
}

// TestBodyChangesOnEveryExample applies every named change to every example
// message and reads the result as the mock does: each change must change
// exactly what it says.
func TestBodyChangesOnEveryExample(t *testing.T) {
	for name, msg := range messages(t) {
		format := formatOf(name)
		read := func(t *testing.T, c bodyChange) *fhir.Bundle {
			t.Helper()
			b, err := c(msg, format)
			require.NoError(t, err)
			require.NotEqual(t, msg, b)
			wellFormed(t, b, format)
			bundle, err := fhir.Read(b, format)
			require.NoError(t, err)
			return bundle
		}
		t.Run(name, func(t *testing.T) {
			orig, err := fhir.Read(msg, format)
			require.NoError(t, err)
			require.NotNil(t, orig.Header)

			assert.Equal(t, "collection", read(t, setBundleType("collection")).Type)
			assert.Equal(t, "vaccinations-9", read(t, setEvent("code", "vaccinations-9")).Header.EventCode)
			assert.Equal(t, "http://example.org", read(t, setEvent("system", "http://example.org")).Header.EventSystem)
			b := read(t, setMessageEventType("code", "cancel"))
			assert.Equal(t, "cancel", b.Header.MessageEventType)
			b = read(t, metIn2019Form())
			assert.Equal(t, metURL2019, b.Header.MessageEventTypeURL)
			assert.Equal(t, metSystem2019, b.Header.MessageEventTypeSystem)
			assert.Equal(t, orig.Header.MessageEventType, b.Header.MessageEventType)
			// Under another URL the extension is no longer a message event type.
			b = read(t, setMETURL("https://example.org/x"))
			assert.NotEqual(t, metURL, b.Header.MessageEventTypeURL)
			assert.Empty(t, b.Header.MessageEventType)
			assert.True(t, read(t, setBundleProfile(itkBundleProfile)).ITKWrapper)
			b = read(t, firstEntryNotHeader())
			assert.Equal(t, "Basic", b.FirstResource)
			assert.Equal(t, orig.Entries+1, b.Entries)
			assert.Equal(t, "Patient", read(t, resourceInsteadOfBundle("Patient")).ResourceType)
			b = read(t, replaceAll(`"`+nhsNumberSystem+`"`, `"`+legacyNHSNumberSystem+`"`, "NHS number system"))
			require.NotEmpty(t, b.NHSNumbers)
			for _, n := range b.NHSNumbers {
				assert.Equal(t, legacyNHSNumberSystem, n.System)
			}
			assert.Len(t, b.NHSNumbers, len(orig.NHSNumbers))

			padded, err := padTo(len(msg)+4096)(msg, format)
			require.NoError(t, err)
			assert.Len(t, padded, len(msg)+4096)
			_, err = fhir.Read(padded, format)
			assert.NoError(t, err, "a padded message is still well-formed")

			cut, err := cutAfter(200)(msg, format)
			require.NoError(t, err)
			_, err = fhir.Read(cut, format)
			assert.Error(t, err)

			if format == formatXML {
				out, err := notInFHIRNamespace()(msg, format)
				require.NoError(t, err)
				_, err = fhir.Read(out, format)
				assert.Error(t, err, "outside the FHIR namespace")
			} else {
				_, err := notInFHIRNamespace()(msg, format)
				assert.Error(t, err)
			}
		})
	}
}

func TestBodyChangesFailWhenNothingChanges(t *testing.T) {
	for _, c := range []bodyChange{setBundleType("x"), setEvent("code", "x"), setMessageEventType("code", "x"),
		metIn2019Form(), setMETURL("x"), setBundleProfile("x"), firstEntryNotHeader(), notInFHIRNamespace(),
		replaceAll("nothing-here", "x", "nothing")} {
		_, err := c([]byte(`<Patient xmlns="http://hl7.org/fhir"/>`), formatXML)
		assert.Error(t, err)
	}
	_, err := padTo(3)([]byte("four"), formatXML)
	assert.Error(t, err)
	_, err = cutAfter(10)([]byte("four"), formatXML)
	assert.Error(t, err)
}

func TestEscaping(t *testing.T) {
	assert.Equal(t, `a &amp; &lt;b&gt; &quot;c&quot;`, xmlAttr(`a & <b> "c"`))
	assert.Equal(t, `"a \"b\" \\ \u000a"`, jsonString("a \"b\" \\ \n"))
}

func TestFindPatient(t *testing.T) {
	w := defaultWorld(t)
	traced, err := findPatient(w, world.Traced.Phrase())
	require.NoError(t, err)
	onPDS, ok := w.Patient(traced.NHSNumber)
	require.True(t, ok)
	assert.Empty(t, onPDS.Flags)

	for kind, check := range map[string]func(p *world.Patient){
		world.SFlagged.Phrase(): func(p *world.Patient) { assert.True(t, p.HasFlag("S")) },
		world.IFlagged.Phrase(): func(p *world.Patient) { assert.True(t, p.HasFlag("I")) },
		world.NotOnPDS.Phrase(): func(p *world.Patient) {
			assert.True(t, nhsnumber.Valid(p.NHSNumber))
			_, on := w.Patient(p.NHSNumber)
			assert.False(t, on)
		},
		kindBadCheckDigit: func(p *world.Patient) {
			assert.ErrorIs(t, nhsnumber.Check(p.NHSNumber), nhsnumber.ErrCheckDigit)
		},
		kindNineDigits: func(p *world.Patient) { assert.Len(t, p.NHSNumber, 9) },
		kindOtherFamily: func(p *world.Patient) {
			assert.Equal(t, traced.NHSNumber, p.NHSNumber)
			assert.NotEqual(t, strings.ToUpper(traced.Family), strings.ToUpper(p.Family))
		},
		kindOtherBirth: func(p *world.Patient) { assert.NotEqual(t, traced.BirthDate, p.BirthDate) },
		kindLowerFamily: func(p *world.Patient) {
			assert.NotEqual(t, traced.Family, p.Family)
			assert.True(t, strings.EqualFold(traced.Family, p.Family))
		},
	} {
		p, err := findPatient(w, kind)
		require.NoError(t, err, kind)
		check(p)
	}
	// Patients are copies: changing one leaves the fixtures alone.
	p, err := findPatient(w, kindOtherFamily)
	require.NoError(t, err)
	onPDS, _ = w.Patient(p.NHSNumber)
	assert.NotEqual(t, onPDS.Family, p.Family)

	_, err = findPatient(w, "a patient from Mars")
	assert.ErrorContains(t, err, "unknown kind of patient")
}

func TestFindPatientSkipsWhenTheFixturesHaveNone(t *testing.T) {
	var spine world.Spine
	spine.NEMS.ASID = "999999999999"
	w, err := world.New(spine, world.PDS{Patients: []world.Patient{{NHSNumber: "9990000018", Family: "A", BirthDate: "2000-01-01"}}})
	require.NoError(t, err)
	_, err = findPatient(w, world.SFlagged.Phrase())
	assert.ErrorIs(t, err, godog.ErrSkip)
	assert.ErrorContains(t, err, "the fixtures have no S-flagged patient")
	_, err = findSender(w, "", mockspine.EventTypes()[0])
	assert.ErrorIs(t, err, godog.ErrSkip)
}

func TestFindSenderASIDAndODS(t *testing.T) {
	w := defaultWorld(t)
	nipe, _ := mockspine.LookupEventType("nipe-outcome-1")

	s, err := findSender(w, "", nipe)
	require.NoError(t, err)
	assert.True(t, w.Assured(s.ASID, nipe.Interaction()))
	assert.True(t, w.ODSLinked(s.ASID, s.ODS))
	assert.Equal(t, s.ASID, s.CertASID)

	not, err := findSender(w, "a system not assured for nipe-outcome-1", nipe)
	require.NoError(t, err)
	assert.False(t, w.Assured(not.ASID, nipe.Interaction()))
	_, registered := w.Endpoint(not.ASID)
	assert.True(t, registered)

	_, err = findSender(w, "a system not assured for vaccinations-1", nipe)
	assert.ErrorContains(t, err, "name the event of the message")

	unknown, err := findSender(w, senderUnknown, nipe)
	require.NoError(t, err)
	_, registered = w.Endpoint(unknown.ASID)
	assert.False(t, registered)
	assert.Len(t, unknown.ASID, 12)
	assert.Equal(t, s.ASID, unknown.CertASID, "it presents the certificate of the system it really is")

	asid, err := findASID(w, asidOther, s)
	require.NoError(t, err)
	assert.NotEqual(t, s.ASID, asid)
	asid, err = findASID(w, asidNEMS, s)
	require.NoError(t, err)
	assert.Equal(t, w.NEMSASID(), asid)

	for kind, linked := range map[string]bool{odsSender: true, odsSenderOther: true, odsNotLinked: false, odsOtherSystem: false} {
		ods, err := findODS(w, kind, s)
		require.NoError(t, err, kind)
		assert.True(t, w.KnownODS(ods), kind)
		assert.Equal(t, linked, w.ODSLinked(s.ASID, ods), kind)
	}
	other, err := findODS(w, odsSenderOther, s)
	require.NoError(t, err)
	assert.NotEqual(t, s.ODS, other)
	unknownODS, err := findODS(w, odsUnknown, s)
	require.NoError(t, err)
	assert.False(t, w.KnownODS(unknownODS))
}

func TestJWTEncode(t *testing.T) {
	claims := map[string]any{"iss": "x", "exp": int64(300)}
	tok, err := jwtShape{}.encode(claims)
	require.NoError(t, err)
	parts := strings.Split(tok, ".")
	require.Len(t, parts, 3)
	assert.Empty(t, parts[2])
	h, err := base64.RawURLEncoding.DecodeString(parts[0])
	require.NoError(t, err)
	assert.JSONEq(t, `{"alg":"none","typ":"JWT"}`, string(h))
	p, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	assert.JSONEq(t, `{"iss":"x","exp":300}`, string(p))

	tok, err = jwtShape{noTrailingDot: true}.encode(claims)
	require.NoError(t, err)
	assert.Equal(t, 1, strings.Count(tok, "."))
	tok, err = jwtShape{signature: "c2ln", header: []byte(`{"alg":"HS256"}`)}.encode(claims)
	require.NoError(t, err)
	assert.True(t, strings.HasSuffix(tok, ".c2ln"))
	tok, err = jwtShape{padded: true, payload: []byte(`{"a":1}`)}.encode(claims)
	require.NoError(t, err)
	assert.Contains(t, tok, "=")
}

func TestDecodeJSONKeepsNumbers(t *testing.T) {
	v, err := decodeJSON("1700000300.5")
	require.NoError(t, err)
	assert.Equal(t, json.Number("1700000300.5"), v)
	_, err = decodeJSON(`"a" "b"`)
	assert.Error(t, err)
	_, err = decodeJSON(`nope`)
	assert.Error(t, err)
}

func TestExpand(t *testing.T) {
	w := defaultWorld(t)
	b := &build{w: w, sender: sender{Sender: publish.Sender{ASID: "1", ODS: "X"}}}
	v, err := b.expand("a|{the sender's ASID}|{the sender's ODS code}|{the NEMS ASID}")
	require.NoError(t, err)
	assert.Equal(t, "a|1|X|"+w.NEMSASID(), v)
	_, err = b.expand("{the moon}")
	assert.Error(t, err)
}

func TestEvidence(t *testing.T) {
	h := http.Header{}
	h.Set("fromASID", "200000000115")
	h.Set("Accept", "application/fhir+xml")
	req := DumpRequest("POST", "http://127.0.0.1:4854/STU3/Events/1/$process-message", h, []byte("<Bundle/>"))
	assert.Equal(t, "POST /STU3/Events/1/$process-message HTTP/1.1\r\nHost: 127.0.0.1:4854\r\n"+
		"Accept: application/fhir+xml\r\nContent-Length: 9\r\nFromasid: 200000000115\r\n\r\n<Bundle/>", req)

	big := bytes.Repeat([]byte("é"), MaxEvidenceBody) // two bytes each
	resp := DumpResponse("HTTP/1.1", "413 Request Entity Too Large", http.Header{}, big)
	assert.True(t, strings.HasPrefix(resp, "HTTP/1.1 413 Request Entity Too Large\r\n\r\n"))
	assert.Contains(t, resp, fmt.Sprintf("of %d bytes shown]", len(big)))
	assert.Less(t, len(resp), MaxEvidenceBody+200)
	assert.True(t, strings.HasPrefix(resp[len("HTTP/1.1 413 Request Entity Too Large\r\n\r\n"):], "éé"))
}

func TestRefusedByServer(t *testing.T) {
	assert.True(t, refusedByServer(&net.OpError{Op: "remote error", Err: errors.New("tls: certificate required")}))
	assert.True(t, refusedByServer(fmt.Errorf("post: %w", syscall.ECONNRESET)))
	assert.True(t, refusedByServer(fmt.Errorf("post: %w", net.ErrClosed)))
	assert.False(t, refusedByServer(nil))
	assert.False(t, refusedByServer(errors.New("dial tcp: connection refused")))
	assert.False(t, refusedByServer(errors.New("tls: failed to verify certificate: x509: certificate signed by unknown authority")))
}

func TestStepExpressionsAreAnchored(t *testing.T) {
	assert.Panics(t, func() { step(nil, "unanchored", func() {}) })
}
