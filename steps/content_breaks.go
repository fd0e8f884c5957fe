package steps

import (
	"fmt"
	"strings"

	"github.com/cucumber/godog"

	"github.com/nems-harness/nems-harness/internal/breaks"
)

// registerContentBreakSteps adds the step of the per-event content
// scenarios (features/content-<event>.feature): a named content break
// (package breaks) applied to the conforming message.
func registerContentBreakSteps(sc *godog.ScenarioContext, st *state) {
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
}
