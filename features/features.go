// Package features holds the conformance scenarios: Gherkin feature files,
// one per area of the NEMS Publication API guidance, tagged with the rule
// IDs of the catalogue (mockspine.Rules). Package steps gives their steps
// meaning; package conformance runs them.
//
// Tags:
//
//	@<RULE-ID>      the rules a scenario shows (for example @JWT-SCOPE)
//	@conforming     a conforming request is accepted
//	@violation      a request breaking the tagged rule(s) is rejected as the rule says
//	@nems-2019-01   holds only in profile nems-2019-01 (the guidance of 2019-01-17)
//	@nems-current   holds only in profile nems-current (today's guidance)
//	@operation      the publish operation itself (method and path), not a rule
//	@wip            not run (a scenario waiting on a fix)
package features

import (
	"embed"
	"io/fs"
)

//go:embed *.feature
var files embed.FS

// FS is the feature files, at the root of the file system.
func FS() fs.FS { return files }
