package mockspine_test

import (
	"context"
	"fmt"
	"time"

	"github.com/nems-harness/nems-harness/fixtures"
	"github.com/nems-harness/nems-harness/internal/token"
	"github.com/nems-harness/nems-harness/mockspine"
	"github.com/nems-harness/nems-harness/publish"
)

// ExampleJudge judges one publish against every rule of the catalogue, as
// the mock does for live traffic, assure for captured traffic and assess
// for a journal: here a request whose JWT asks for the wrong scope.
func ExampleJudge() {
	w, err := fixtures.Default()
	if err != nil {
		panic(err)
	}
	sender := publish.Sender{ASID: "200000000115", ODS: "RX3EP"}
	now := time.Now()
	claims := publish.Claims(sender, "https://nems.example"+mockspine.PublishPath, now)
	claims["scope"] = "patient/*.read"
	jwt, err := token.Mint(claims)
	if err != nil {
		panic(err)
	}
	body, err := publish.Message("vaccinations-1", "new", "xml", nil)
	if err != nil {
		panic(err)
	}
	// A request as the journal records it; Entry.Request rebuilds it.
	recorded := mockspine.Entry{Method: "POST", Path: mockspine.PublishPath, Received: now,
		Header: publish.Headers(sender, w.NEMSASID(), "vaccinations-1", jwt, "application/fhir+xml"), Body: string(body)}
	req, err := recorded.Request()
	if err != nil {
		panic(err)
	}

	judge := &mockspine.Judge{Profile: mockspine.Profile2019, World: w}
	j, err := judge.Evaluate(context.Background(), req)
	if err != nil {
		panic(err)
	}
	fmt.Println("status", j.Response.Status)
	for _, v := range j.Failed() {
		fmt.Println(v.Diagnostics())
	}
	// Output:
	// status 400
	// [JWT-SCOPE] Required scopes not found in token (patient/*.read); the scope must be patient/Bundle.write
}
