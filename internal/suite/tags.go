package suite

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"

	gherkin "github.com/cucumber/gherkin/go/v26"
	messages "github.com/cucumber/messages/go/v21"
)

// ErrTags is wrapped by the error for a malformed tag expression.
var ErrTags = errors.New("malformed tag expression")

// tagTerm is one term of a godog tag expression: @TAG or ~@TAG.
var tagTerm = regexp.MustCompile(`^~?@[^\s@~,&()]+$`)

// tagHelp is what a malformed expression's error tells the user to write.
const tagHelp = `write tags as @TAG or ~@TAG (not), joined by "," (or) and "&&" (and), e.g. '@JWT-SCOPE,@JWT-SUB' or '@MIME-ACCEPT && ~@violation'`

// ValidateTags checks a tag expression in godog's syntax: terms @TAG or
// ~@TAG, joined by "," (or, binding tighter) and "&&" (and). An empty
// expression selects everything and is valid. godog itself would read a
// malformed expression as a tag no scenario has (or panic on an empty
// term), selecting nothing without a word.
func ValidateTags(expr string) error {
	if strings.TrimSpace(expr) == "" {
		return nil
	}
	for _, and := range strings.Split(expr, "&&") {
		for _, term := range strings.Split(and, ",") {
			t := strings.TrimSpace(term)
			if t == "" {
				return fmt.Errorf("%w %q: it has an empty term; %s", ErrTags, expr, tagHelp)
			}
			if !tagTerm.MatchString(t) {
				return fmt.Errorf("%w %q: %q is not a tag; %s", ErrTags, expr, t, tagHelp)
			}
		}
	}
	return nil
}

// And joins tag expressions so that a scenario must match each; blank ones
// are left out.
func And(exprs ...string) string {
	var parts []string
	for _, e := range exprs {
		if e = strings.TrimSpace(e); e != "" {
			parts = append(parts, e)
		}
	}
	return strings.Join(parts, " && ")
}

// Matches reports whether a scenario with these tags matches a valid
// expression, as godog decides it.
func Matches(expr string, tags []string) bool {
	if strings.TrimSpace(expr) == "" {
		return true
	}
	has := func(t string) bool {
		for _, x := range tags {
			if x == t {
				return true
			}
		}
		return false
	}
	for _, and := range strings.Split(expr, "&&") {
		ok := false
		for _, term := range strings.Split(and, ",") {
			t := strings.TrimSpace(term)
			if neg, found := strings.CutPrefix(t, "~"); found {
				ok = ok || !has(neg)
			} else {
				ok = ok || has(t)
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// Selected is a scenario a tag expression selects, before it runs.
type Selected struct {
	URI, Name string
	Tags      []string
}

// Select lists the scenarios (each example of an outline apart) of the
// feature files in fsys that a valid tag expression selects.
func Select(fsys fs.FS, expr string) ([]Selected, error) {
	var out []Selected
	newID := (&messages.Incrementing{}).NewId
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || path.Ext(p) != ".feature" {
			return nil
		}
		f, err := fsys.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		doc, err := gherkin.ParseGherkinDocument(f, newID)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		for _, pk := range gherkin.Pickles(*doc, p, newID) {
			tags := make([]string, len(pk.Tags))
			for i, t := range pk.Tags {
				tags[i] = t.Name
			}
			if Matches(expr, tags) {
				out = append(out, Selected{URI: p, Name: pk.Name, Tags: tags})
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading the feature files: %w", err)
	}
	return out, nil
}
