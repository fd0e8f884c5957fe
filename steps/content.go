package steps

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/cucumber/godog"

	"github.com/nems-harness/nems-harness/internal/breaks"
)

// Steps of the event-content scenarios: a named content break (package
// breaks) applied to the conforming message, and an answer carrying no
// issue for a rule.
func registerContentSteps(sc *godog.ScenarioContext, st *state) {
	step(sc, `^the message has the content break "([a-z0-9-]+)"$`, func(name string) error {
		br, ok := breaks.Lookup(name)
		if !ok {
			var names []string
			for _, b := range breaks.All() {
				names = append(names, b.Name)
			}
			return fmt.Errorf("no content break %q; the breaks are: %s", name, strings.Join(names, ", "))
		}
		if st.hasRawBody || st.event != br.Event || st.messageType != br.MessageType {
			return fmt.Errorf("the content break %s changes a %s %s message: start from \"a conforming publish of a %s %s message in XML\"",
				name, br.Event, br.MessageType, br.Event, br.MessageType)
		}
		st.bodyChanges = append(st.bodyChanges, namedChange{"the content break " + name, br.Apply})
		return nil
	})
	step(sc, `^the answer has no issue for rule ([A-Z0-9-]+)$`, func(rule string) error {
		a, err := st.need()
		if err != nil {
			return err
		}
		if len(a.body) == 0 {
			if a.status == http.StatusAccepted {
				return nil
			}
			return fmt.Errorf("rule %s: %s", rule, a.summary())
		}
		o, err := a.outcome()
		if err != nil {
			return fmt.Errorf("rule %s: %w", rule, err)
		}
		if is := findIssue(o, rule); is != nil {
			return fmt.Errorf("rule %s: expected no issue for it, found %s: %s", rule, is.Severity, is.Diagnostics)
		}
		return nil
	})
}
