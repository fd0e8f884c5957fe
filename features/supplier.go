package features

import (
	"embed"
	"io/fs"
)

// supplierFiles are the supplier assurance scenarios: they make a supplier's
// own publishing system publish to the mock and judge what it sent.
//
//go:embed supplier/*.feature
var supplierFiles embed.FS

// SupplierFS returns the supplier assurance scenarios (features/supplier),
// with the feature files at its root. Every scenario is tagged @supplier.
func SupplierFS() fs.FS {
	sub, err := fs.Sub(supplierFiles, "supplier")
	if err != nil {
		panic("features: supplier scenarios not embedded: " + err.Error())
	}
	return sub
}
