// Command publisher is a reference NEMS publisher: it publishes one event
// message the way the guidance asks, and refuses to publish for patients it
// cannot trace on PDS or whose PDS record carries an S or I flag.
//
//	publisher [flags] EVENT NHS MESSAGE
//	publisher --event vaccinations-1 --nhs 9990000166 --message new
//
// It reads the NEMS publish URL from NEMS_URL and NEMS's ASID from
// NEMS_ASID; over mutual TLS it trusts NEMS_TLS_CA and presents
// NEMS_TLS_CERT and NEMS_TLS_KEY. These are what nems-harness assure hands
// to a trigger command.
//
// Exit status: 0 published (NEMS answered 202), 1 not published (an error,
// or NEMS refused it), 2 usage, 3 refused by the publisher itself (patient
// untraced or flagged).
//
// --misbehave NAME (or PUBLISHER_MISBEHAVE) gets exactly one thing wrong on
// purpose; --list-misbehaviours lists them.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/nems-harness/nems-harness/examples/publisher/nemspub"
	"github.com/nems-harness/nems-harness/fixtures"
	"github.com/nems-harness/nems-harness/mockspine/world"
)

// Exit statuses.
const (
	exitOK      = 0
	exitFailed  = 1
	exitUsage   = 2
	exitRefused = 3
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("publisher", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: publisher [flags] EVENT NHS MESSAGE")
		fmt.Fprintln(stderr, "       publisher [flags] --event EVENT --nhs NHS --message new|update|delete")
		fs.PrintDefaults()
	}
	var ev nemspub.Event
	fs.StringVar(&ev.Type, "event", "", "event type, e.g. vaccinations-1")
	fs.StringVar(&ev.NHSNumber, "nhs", "", "the patient's NHS number")
	fs.StringVar(&ev.MessageType, "message", "", "message type: new, update or delete")
	fs.StringVar(&ev.Variant, "variant", os.Getenv("NEMS_VARIANT"), "kind of event: empty, or reported (a vaccinations-1 new event for a vaccination reported by another source) (default $NEMS_VARIANT)")
	url := fs.String("url", os.Getenv("NEMS_URL"), "NEMS publish URL (default $NEMS_URL)")
	toASID := fs.String("to-asid", envOr("NEMS_ASID", "999999999999"), "NEMS's ASID, sent as toASID (default $NEMS_ASID)")
	asid := fs.String("asid", "200000000115", "this system's ASID")
	ods := fs.String("ods", "RX3EP", "this system's ODS code")
	otherODS := fs.String("other-ods", "B86010", "an ODS code Spine knows but not linked to --asid (for --misbehave org-unlinked)")
	pdsFile := fs.String("pds", "", "this system's PDS data, a pds.json (default: the harness's embedded fixtures)")
	format := fs.String("format", "xml", "message format: xml or json")
	misbehave := fs.String("misbehave", os.Getenv("PUBLISHER_MISBEHAVE"), "get one thing wrong on purpose (default $PUBLISHER_MISBEHAVE)")
	list := fs.Bool("list-misbehaviours", false, "list the misbehaviours and the rule each breaks")
	timeout := fs.Duration("timeout", 30*time.Second, "how long to wait for NEMS")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if *list {
		listMisbehaviours(stdout)
		return exitOK
	}
	if err := positional(&ev, fs.Args()); err != nil {
		fmt.Fprintln(stderr, "publisher:", err)
		fs.Usage()
		return exitUsage
	}
	if *format != "xml" && *format != "json" {
		fmt.Fprintf(stderr, "publisher: --format must be xml or json, is %q\n", *format)
		return exitUsage
	}
	pds, err := loadPDS(*pdsFile)
	if err != nil {
		fmt.Fprintln(stderr, "publisher:", err)
		return exitFailed
	}
	client, err := httpClient(*misbehave, *timeout)
	if err != nil {
		fmt.Fprintln(stderr, "publisher:", err)
		return exitFailed
	}
	p := &nemspub.Publisher{URL: *url, ASID: *asid, ODS: *ods, NEMSASID: *toASID, PDS: pds,
		Format: *format, Client: client, Misbehave: *misbehave, OtherODS: *otherODS}

	res, err := p.Publish(context.Background(), ev)
	var refused *nemspub.RefusalError
	switch {
	case errors.As(err, &refused):
		fmt.Fprintln(stderr, "publisher:", err)
		return exitRefused
	case err != nil:
		fmt.Fprintln(stderr, "publisher:", err)
		return exitFailed
	}
	fmt.Fprintf(stdout, "published %s %s for NHS number %s: HTTP %d\n", ev.Type, ev.MessageType, ev.NHSNumber, res.Status)
	if res.Body != "" {
		fmt.Fprintln(stdout, res.Body)
	}
	return exitOK
}

// positional fills the event from EVENT NHS MESSAGE arguments, for whatever
// the flags left empty.
func positional(ev *nemspub.Event, args []string) error {
	if len(args) > 3 {
		return fmt.Errorf("unexpected argument %q", args[3])
	}
	for i, dst := range []*string{&ev.Type, &ev.NHSNumber, &ev.MessageType} {
		if i < len(args) {
			if *dst != "" && *dst != args[i] {
				return fmt.Errorf("argument %q contradicts the flag value %q", args[i], *dst)
			}
			*dst = args[i]
		}
	}
	switch {
	case ev.Type == "":
		return errors.New("no event type given")
	case ev.NHSNumber == "":
		return errors.New("no NHS number given")
	case ev.MessageType == "":
		return errors.New("no message type given")
	}
	return nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// loadPDS reads the publisher's copy of PDS: a file, or the embedded one.
func loadPDS(path string) (*world.PDS, error) {
	var b []byte
	var err error
	if path == "" {
		b, err = fs.ReadFile(fixtures.FS(), world.PDSFile)
	} else {
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("reading PDS data: %w", err)
	}
	var pds world.PDS
	if err := json.Unmarshal(b, &pds); err != nil {
		return nil, fmt.Errorf("reading PDS data: %w", err)
	}
	return &pds, nil
}

// httpClient is a client for NEMS, set up for mutual TLS when NEMS_TLS_CA
// is set: it trusts that CA and presents the endpoint certificate in
// NEMS_TLS_CERT and NEMS_TLS_KEY.
func httpClient(misbehave string, timeout time.Duration) (*http.Client, error) {
	ca := os.Getenv("NEMS_TLS_CA")
	if ca == "" {
		return &http.Client{Timeout: timeout}, nil
	}
	pem, err := os.ReadFile(ca)
	if err != nil {
		return nil, fmt.Errorf("NEMS_TLS_CA: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("NEMS_TLS_CA: %s holds no PEM certificate", ca)
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: pool}
	certFile, keyFile := os.Getenv("NEMS_TLS_CERT"), os.Getenv("NEMS_TLS_KEY")
	if certFile != "" && misbehave != "no-client-cert" {
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, fmt.Errorf("endpoint certificate (NEMS_TLS_CERT, NEMS_TLS_KEY): %w", err)
		}
		// Present it whatever CAs the server names: a Go client otherwise
		// sends nothing when its chain does not end at one of them.
		cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &cert, nil }
	}
	return &http.Client{Timeout: timeout, Transport: &http.Transport{TLSClientConfig: cfg}}, nil
}

func listMisbehaviours(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tBREAKS\tWHAT IT DOES")
	for _, m := range nemspub.Misbehaviours() {
		what := m.Description
		if m.Scenario != "" {
			what += " (shows with " + m.Scenario + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", m.Name, strings.Join(m.Rules, ", "), what)
	}
	tw.Flush()
}
