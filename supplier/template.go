package supplier

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
)

// Placeholders a trigger template may use, with what each stands for.
var Placeholders = map[string]string{
	"eventType":   "event type code, e.g. vaccinations-1",
	"messageType": "new, update or delete",
	"nhsNumber":   "the patient's NHS number",
	"family":      "the patient's family name on PDS (empty for a patient not on PDS)",
	"given":       "the patient's first given name on PDS (empty for a patient not on PDS)",
	"birthDate":   "the patient's birth date on PDS, YYYY-MM-DD (empty for a patient not on PDS)",
	"asid":        "the supplier system's ASID (its directory endpoint)",
	"nemsAsid":    "the ASID of NEMS (toASID)",
	"nemsUrl":     "the mock's publish URL",
	"interaction": "the InteractionID of the event type",
	"variant":     "the kind of event asked for beyond its type, or empty: reported (a vaccination reported by another source)",
}

var placeholder = regexp.MustCompile(`\{\{\s*([A-Za-z]+)\s*\}\}`)

// checkTemplate reports an unknown placeholder.
func checkTemplate(field, tmpl string) error {
	for _, m := range placeholder.FindAllStringSubmatch(tmpl, -1) {
		if _, ok := Placeholders[m[1]]; !ok {
			names := make([]string, 0, len(Placeholders))
			for n := range Placeholders {
				names = append(names, "{{"+n+"}}")
			}
			sort.Strings(names)
			return fmt.Errorf("%s: unknown placeholder {{%s}} (known: %s)", field, m[1], strings.Join(names, " "))
		}
	}
	return nil
}

// expand fills a template's placeholders, each value passed through quote.
func expand(tmpl string, vars map[string]string, quote func(string) string) string {
	return placeholder.ReplaceAllStringFunc(tmpl, func(m string) string {
		name := placeholder.FindStringSubmatch(m)[1]
		return quote(vars[name])
	})
}

var shellSafe = regexp.MustCompile(`^[A-Za-z0-9._/:@%+=,-]+$`)

// shellQuote leaves a value that needs no quoting as it is (so that
// "{{nhsNumber}}" works too) and single-quotes anything else for sh.
func shellQuote(s string) string {
	if shellSafe.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// jsonQuote escapes a value for use inside a JSON string literal.
func jsonQuote(s string) string {
	b, _ := json.Marshal(s) // a string always marshals
	return string(b[1 : len(b)-1])
}

// urlQuote escapes a value for a URL path segment or query value.
func urlQuote(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }

// headerQuote keeps a header value on one line.
func headerQuote(s string) string { return strings.NewReplacer("\r", " ", "\n", " ").Replace(s) }

// identity inserts a value as it is.
func identity(s string) string { return s }
