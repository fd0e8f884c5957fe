package fhirschema

import (
	"testing"
	"unsafe"
)

// TestFind: every element of every model is found by its name, and names
// that differ from it in one byte, or in length, are not taken for it.
func TestFind(t *testing.T) {
	namesOnce.Do(buildNames)
	for i := range modelTable {
		mi := &modelInfos[i]
		for j, e := range modelTable[i].elems {
			if got := mi.find(e.name, e.ns); got != j {
				t.Fatalf("model %d: find(%q) = %d, want %d", i, e.name, got, j)
			}
			if got := mi.find(e.name, e.ns^1); got >= 0 && modelTable[i].elems[got].ns == e.ns {
				t.Fatalf("model %d: find(%q) in the other namespace = %d", i, e.name, got)
			}
			for k := range len(e.name) {
				b := []byte(e.name)
				b[k] ^= 0x20
				if got := mi.find(string(b), e.ns); got >= 0 && modelTable[i].elems[got].name != string(b) {
					t.Fatalf("model %d: find(%q) = %d (%q)", i, b, got, modelTable[i].elems[got].name)
				}
			}
			for _, s := range []string{e.name + "x", e.name[:len(e.name)-1], "x" + e.name} {
				if got := mi.find(s, e.ns); got >= 0 && modelTable[i].elems[got].name != s {
					t.Fatalf("model %d: find(%q) = %d (%q)", i, s, got, modelTable[i].elems[got].name)
				}
			}
		}
	}
}

// TestRecordSizes: find indexes 64-byte element records, and open copies
// a frame's type in one 8-byte move.
func TestRecordSizes(t *testing.T) {
	if n := unsafe.Sizeof(elemInfo{}); n != 64 {
		t.Errorf("elemInfo is %d bytes, want 64", n)
	}
	if n := unsafe.Sizeof(frameType{}); n != 8 {
		t.Errorf("frameType is %d bytes, want 8", n)
	}
}

// TestTypeInfoSize: open indexes 16-byte type records.
func TestTypeInfoSize(t *testing.T) {
	if n := unsafe.Sizeof(typeInfo{}); n != 16 {
		t.Errorf("typeInfo is %d bytes, want 16", n)
	}
}
