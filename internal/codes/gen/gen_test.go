package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// src is where `go generate` in package codes reads the code lists, seen
// from this directory.
const src = "../../../../shared/nems/codes"

func TestRegeneratingChangesNothing(t *testing.T) {
	if _, err := os.Stat(src); err != nil {
		t.Skipf("code-list files not available (%v)", err)
	}
	got, err := Generate(src)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join("..", "codes_gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("codes_gen.go is stale: run `go generate ./internal/codes`")
	}
}

func TestGenerateRejectsBadInput(t *testing.T) {
	cases := []struct {
		name, file, body string
	}{
		{"empty folder", "", ""},
		{"not JSON", "X-1.json", "{"},
		{"no concepts", "X-1.json", `{"name":"X-1","url":"u","concepts":[]}`},
		{"name differs from file", "X-1.json", `{"name":"Y-1","url":"u","concepts":[{"system":"s","code":"c","display":"d"}]}`},
		{"unknown filter", "X-1.json", `{"name":"X-1","url":"u","nonEnumeratedIncludes":[{"system":"s","filters":[{"property":"concept","op":"is-a","value":"1"}]}],"concepts":[{"system":"s","code":"c","display":"d"}]}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.file != "" {
				if err := os.WriteFile(filepath.Join(dir, tc.file), []byte(tc.body), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := Generate(dir); err == nil {
				t.Fatal("want an error")
			}
		})
	}
}

func TestGenerateKeepsDisplaysVerbatim(t *testing.T) {
	dir := t.TempDir()
	body := `{"name":"X-1","kind":"CodeSystem","url":"u","concepts":[{"system":"s","code":"008","display":"Retired "},{"system":"s","code":"9","display":null}]}`
	if err := os.WriteFile(filepath.Join(dir, "X-1.json"), []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := Generate(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`X1 = "X-1"`, `Code: "008", Display: "Retired ", HasDisplay: true`, `{System: "s", Code: "9"}`} {
		if !bytes.Contains(got, []byte(want)) {
			t.Errorf("output lacks %s:\n%s", want, got)
		}
	}
}
