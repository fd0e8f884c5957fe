package world_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/internal/nhsnumber"
	"github.com/nems-harness/nems-harness/mockspine/world"
)

func TestPatientsByKind(t *testing.T) {
	var spine world.Spine
	spine.NEMS.ASID = "999999999999"
	w, err := world.New(spine, world.PDS{Patients: []world.Patient{
		{NHSNumber: "9990000018", Family: "ASHWORTH", BirthDate: "2024-03-11"},
		{NHSNumber: "9990000050", Family: "BRENNAN", BirthDate: "2024-05-02", Kind: "traced"},
		{NHSNumber: "9990000093", Family: "", BirthDate: "2023-12-19"},                        // no family: not traced
		{NHSNumber: "9990000123", Family: "DOYLE", BirthDate: "2022-07-30", Kind: "deceased"}, // labelled otherwise
		{NHSNumber: "9990000727", Family: "SINGH", BirthDate: "2023-02-02", Flags: []string{"S"}},
		{NHSNumber: "9990000794", Family: "UDDIN", BirthDate: "2019-04-01", Flags: []string{"i"}},
	}})
	require.NoError(t, err)
	tests := []struct {
		kind world.PatientKind
		want []string
	}{
		{world.Traced, []string{"9990000018", "9990000050"}},
		{world.SFlagged, []string{"9990000727"}},
		{world.IFlagged, []string{"9990000794"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			ps, err := w.Patients(tt.kind, 0)
			require.NoError(t, err)
			var got []string
			for _, p := range ps {
				got = append(got, p.NHSNumber)
			}
			assert.Equal(t, tt.want, got)
			k, ok := world.ParsePatientKind(tt.kind.Phrase())
			assert.True(t, ok)
			assert.Equal(t, tt.kind, k)
		})
	}
	unused, err := w.Patients(world.NotOnPDS, 3)
	require.NoError(t, err)
	require.Len(t, unused, 3)
	for _, p := range unused {
		assert.True(t, nhsnumber.Valid(p.NHSNumber))
		_, on := w.Patient(p.NHSNumber)
		assert.False(t, on)
	}

	empty, err := world.New(spine, world.PDS{})
	require.NoError(t, err)
	_, err = empty.Patients(world.SFlagged, 0)
	var none *world.NoPatientError
	require.ErrorAs(t, err, &none)
	assert.Equal(t, "the fixtures have no S-flagged patient", err.Error())
	assert.Equal(t, "an S-flagged patient", world.SFlagged.Phrase())
	_, ok := world.ParsePatientKind("a patient flagged S on PDS")
	assert.False(t, ok)
}
