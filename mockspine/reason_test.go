package mockspine

import (
	"errors"
	"fmt"
	"go/ast"
	"go/constant"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sprintfReason is reason as fmt would give it: the reference reason is
// held to.
func sprintfReason(format string, a ...any) string {
	s := fmt.Sprintf(format, a...)
	if !utf8.ValidString(s) {
		s = validUTF8(s)
	}
	if len(s) <= MaxReason {
		return s
	}
	cut := MaxReason
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s… (%d more bytes not shown)", s[:cut], len(s)-cut)
}

// TestReasonIsSprintf: for the verbs and arguments the checks use, reason
// gives what fmt.Sprintf gives, cut and made valid UTF-8 alike.
func TestReasonIsSprintf(t *testing.T) {
	long := strings.Repeat("é", MaxReason) // cut inside a character
	cases := []struct {
		format string
		args   []any
	}{
		{"no verbs at all", nil},
		{"100%% sure", nil},
		{"%s", []any{"one string"}},
		{"%s", []any{""}},
		{"%s", []any{Outcome("fail")}},
		{"%s", []any{"bad \xff byte"}},
		{"%s", []any{long}},
		{"%s and %s", []any{long, "more"}},
		{"fromASID %s matches %s", []any{"200000000115", "requesting_system"}},
		{"%d bytes, %d entries", []any{10454, -3}},
		{"iat %d", []any{int64(1733244000)}},
		{"%d claims of %d", []any{uint8(7), uint64(1 << 63)}},
		{"%d", []any{Profile("x")}}, // a wrong verb, as fmt writes it
		{"Accept %q: answering in %s", []any{"application/fhir+xml;q=\"0.5\"\t\u2028", "application/fhir+xml"}},
		{"%q", []any{"bad \xff\xfe bytes, \x00 and é"}},
		{"%v and %v, %v", []any{"text", 42, true}},
		{"%v", []any{Profile2019}},
		{"the %s claim", []any{"sub"}},
		{"%s%s%s", []any{"a", "b", "c"}},
		{"at the end %", nil},
	}
	for _, c := range cases {
		want := sprintfReason(c.format, c.args...)
		if strings.HasSuffix(c.format, "%") || c.format == "%d" {
			// fmt's wording of a broken format is not kept, only that it
			// is marked.
			assert.Contains(t, reason(c.format, c.args...), "%!", c.format)
			continue
		}
		assert.Equal(t, want, reason(c.format, c.args...), "%q %v", c.format, c.args)
	}
	assert.Equal(t, "%!v(*errors.errorString)", reason("%v", errors.New("errors are passed as text")))
}

// TestReasonAllocates: a verdict's reason costs at most its own string,
// and nothing for a reason given as it stands.
func TestReasonAllocates(t *testing.T) {
	from, n := strings.Clone("200000000115"), 10454
	cases := []struct {
		name string
		max  float64
		fn   func() string
	}{
		{"constant", 0, func() string { return reason("the fromASID header must be supplied") }},
		{"one string", 0, func() string { return reason("%s", from) }},
		{"formatted", 1, func() string { return reason("fromASID %s matches requesting_system; %d bytes", from, n) }},
	}
	for _, c := range cases {
		assert.LessOrEqual(t, testing.AllocsPerRun(100, func() { _ = c.fn() }), c.max, c.name)
	}
}

// TestReasonFormats reads every call that builds a verdict's reason in the
// package's source, with its types: the format is a constant (valid UTF-8,
// no longer than a reason may be) using only
// the verbs reason formats as fmt does (%s, %d, %q, %v, %%, no flags), and
// every argument is a string, an integer or a boolean of a type without
// String or Error methods, which fmt would call. (Errors are passed as
// their Error text.)
func TestReasonFormats(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks the package from source")
	}
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	require.NoError(t, err)
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		require.NoError(t, err)
		files = append(files, f)
	}
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Uses: map[*ast.Ident]types.Object{}}
	conf := types.Config{Importer: importer.ForCompiler(fset, "source", nil)}
	_, err = conf.Check("github.com/nems-harness/nems-harness/mockspine", fset, files, info)
	require.NoError(t, err)
	// The argument holding the format, for each function taking one.
	formatAt := map[string]int{"pass": 0, "fail": 0, "skip": 0, "notNeeded": 0, "reason": 0,
		"failWith": 1, "skipOn": 1, "failed": 1}
	checked := 0
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			ce, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			var id *ast.Ident
			switch fn := ce.Fun.(type) {
			case *ast.SelectorExpr:
				id = fn.Sel
			case *ast.Ident:
				id = fn
			}
			if id == nil {
				return true
			}
			at, ok := formatAt[id.Name]
			obj := info.Uses[id]
			if !ok || obj == nil || obj.Pkg() == nil || obj.Pkg().Name() != "mockspine" || len(ce.Args) <= at {
				return true
			}
			where := fset.Position(ce.Pos()).String()
			if ce.Ellipsis.IsValid() {
				return true // a wrapper handing its own format on
			}
			tv := info.Types[ce.Args[at]]
			if !assert.NotNil(t, tv.Value, "%s: the format is not a constant", where) {
				return true
			}
			format := constant.StringVal(tv.Value)
			assert.True(t, utf8.ValidString(format), "%s: %q is not UTF-8", where, format)
			assert.LessOrEqual(t, len(format), MaxReason, "%s: the format is longer than a reason may be", where)
			verbs := 0
			for i := 0; i < len(format); i++ {
				if format[i] != '%' {
					continue
				}
				i++
				if assert.Less(t, i, len(format), "%s: %q ends in %%", where, format) {
					assert.Contains(t, "sdqv%", string(format[i]), "%s: verb %%%c in %q", where, format[i], format)
					if format[i] != '%' {
						verbs++
					}
				}
			}
			args := ce.Args[at+1:]
			assert.Len(t, args, verbs, "%s: %q", where, format)
			for _, a := range args {
				typ := info.Types[a].Type
				b, basic := typ.Underlying().(*types.Basic)
				assert.True(t, basic && b.Info()&(types.IsString|types.IsInteger|types.IsBoolean) != 0,
					"%s: argument %s is a %s", where, types.ExprString(a), typ)
				for _, m := range []string{"String", "Error"} {
					obj, _, _ := types.LookupFieldOrMethod(typ, true, nil, m)
					assert.Nil(t, obj, "%s: argument %s has a %s method, which fmt would call", where, types.ExprString(a), m)
				}
			}
			checked++
			return true
		})
	}
	assert.Greater(t, checked, 100, "calls found")
}

// TestReasonRemembered: a remembered reason is given only for the same
// format and arguments, of the same types, however often they change.
func TestReasonRemembered(t *testing.T) {
	type myString string
	for i := range 3 * maxMemoChanges {
		for _, args := range [][]any{{"a", i}, {"a", int64(i)}, {"b", i % 2}, {"a", i%2 == 0}, {myString("a"), i}} {
			want := fmt.Sprintf("%v is %v", args...)
			assert.Equal(t, want, reason("%v is %v", args...))
			assert.Equal(t, want, reason("%v is %v", args...))
		}
		assert.Equal(t, fmt.Sprintf("%q then %d", "x", i), reason("%q then %d", "x", i))
	}
}
