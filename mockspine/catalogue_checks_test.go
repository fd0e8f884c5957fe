package mockspine

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestChecksNameOnlyCatalogueData reads every check's source: each
// alternative answer it gives (failWith) is one the catalogue lists for its
// rule, and each rule it says it waits on (skipOn) is one the catalogue
// says the rule depends on. So the catalogue tells the whole of a rule's
// behaviour.
func TestChecksNameOnlyCatalogueData(t *testing.T) {
	files, err := filepath.Glob("checks_*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no checks found: %v", err)
	}
	fset := token.NewFileSet()
	funcs := map[string]*ast.FuncDecl{}
	for _, f := range files {
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil {
				funcs[fd.Name.Name] = fd
			}
		}
	}
	// Helpers called by checks (stringClaim, tokenSkip) skip on behalf of
	// the rule they are given: their calls count for every rule whose check
	// calls them.
	helpers := map[string][]call{}
	for name, fd := range funcs {
		if !strings.HasPrefix(name, "check") {
			helpers[name] = calls(fd)
		}
	}
	methods := map[string][]call{}
	for _, f := range files {
		file, _ := parser.ParseFile(fset, f, nil, 0)
		for _, d := range file.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv != nil {
				methods[fd.Name.Name] = calls(fd)
			}
		}
	}
	for _, r := range catalogue {
		full := runtime.FuncForPC(reflect.ValueOf(r.check).Pointer()).Name()
		name := full[strings.LastIndex(full, ".")+1:]
		fd, ok := funcs[name]
		if !ok {
			t.Errorf("%s: check %s not found in checks_*.go", r.ID, name)
			continue
		}
		cs := calls(fd)
		for _, c := range cs {
			cs = append(cs, helpers[c.fn]...)
			cs = append(cs, methods[c.fn]...)
		}
		for _, c := range cs {
			switch c.fn {
			case "failWith":
				if _, ok := r.Alternative(c.arg); !ok {
					t.Errorf("%s: check %s answers with %q, which the catalogue does not list", r.ID, name, c.arg)
				}
			case "skipOn":
				for id := range strings.SplitSeq(c.arg, ", ") {
					if !slices.Contains(r.DependsOn, id) {
						t.Errorf("%s: check %s waits on %s, which the catalogue does not list in DependsOn", r.ID, name, id)
					}
				}
			}
		}
	}
}

// call is a call of failWith or skipOn with its first argument, or of
// another function (fn only) that may make such calls.
type call struct{ fn, arg string }

func calls(fd *ast.FuncDecl) []call {
	var out []call
	ast.Inspect(fd, func(n ast.Node) bool {
		ce, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		var fn string
		switch f := ce.Fun.(type) {
		case *ast.SelectorExpr:
			fn = f.Sel.Name
		case *ast.Ident:
			fn = f.Name
		}
		c := call{fn: fn}
		if (fn == "failWith" || fn == "skipOn") && len(ce.Args) > 0 {
			if lit, ok := ce.Args[0].(*ast.BasicLit); ok {
				c.arg, _ = strconv.Unquote(lit.Value)
			}
		}
		out = append(out, c)
		return true
	})
	return out
}
