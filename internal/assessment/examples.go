package assessment

import (
	"io/fs"
	"strconv"
	"strings"
	"sync"

	gherkin "github.com/cucumber/gherkin/go/v26"
	messages "github.com/cucumber/messages/go/v21"

	"github.com/nems-harness/nems-harness/features"
)

// exampleRows maps "uri:line" of each Examples row of the conformance
// features to the values it gives, as "name = value" pairs. godog's
// cucumber JSON names an outline's scenarios by the outline alone and
// gives the row's line, so the report reads the row back from the feature.
var exampleRows = sync.OnceValue(func() map[string]string { return readExampleRows(features.FS()) })

// readExampleRows parses every feature file of fsys; a file that does not
// parse gives no rows (the suite itself reports it).
func readExampleRows(fsys fs.FS) map[string]string {
	rows := map[string]string{}
	paths, _ := fs.Glob(fsys, "*.feature")
	for _, p := range paths {
		f, err := fsys.Open(p)
		if err != nil {
			continue
		}
		doc, err := gherkin.ParseGherkinDocument(f, (&messages.Incrementing{}).NewId)
		f.Close()
		if err != nil || doc.Feature == nil {
			continue
		}
		for _, child := range doc.Feature.Children {
			addOutlineRows(rows, p, child.Scenario)
			if child.Rule != nil {
				for _, rc := range child.Rule.Children {
					addOutlineRows(rows, p, rc.Scenario)
				}
			}
		}
	}
	return rows
}

func addOutlineRows(rows map[string]string, uri string, sc *messages.Scenario) {
	if sc == nil {
		return
	}
	for _, ex := range sc.Examples {
		if ex.TableHeader == nil {
			continue
		}
		for _, row := range ex.TableBody {
			var pairs []string
			for i, cell := range row.Cells {
				if i < len(ex.TableHeader.Cells) {
					pairs = append(pairs, ex.TableHeader.Cells[i].Value+" = "+strconv.Quote(cell.Value))
				}
			}
			rows[uri+":"+strconv.FormatInt(row.Location.Line, 10)] = strings.Join(pairs, ", ")
		}
	}
}

// scenarioHeading names a scenario for its evidence: feature, name, the
// example values of an outline's row, and the line.
func scenarioHeading(uri, name string, line int) string {
	h := uri + ": " + name
	if values := exampleRows()[uri+":"+strconv.Itoa(line)]; values != "" {
		h += " — with " + values
	}
	return h + " (line " + strconv.Itoa(line) + ")"
}
