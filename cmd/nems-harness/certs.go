package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/nems-harness/nems-harness/fixtures"
	"github.com/nems-harness/nems-harness/internal/certs"
	"github.com/nems-harness/nems-harness/mockspine/world"
)

func init() {
	commands["certs"] = command{"make the test Spine CA and endpoint certificates for mutual TLS (init, issue)", runCerts}
}

func certsUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage:")
	fmt.Fprintln(w, "  nems-harness certs init  --dir D [--force] [--host H]...")
	fmt.Fprintln(w, "      create a test Spine root CA, its sub-CA and the mock's server certificate in D")
	fmt.Fprintln(w, "  nems-harness certs issue --dir D --asid A --fqdn F [--fixtures FIXDIR] [--days N]")
	fmt.Fprintln(w, "      issue the endpoint (client) certificate CN=F for the directory endpoint with ASID A")
}

func runCerts(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		certsUsage(stderr)
		return 2
	}
	switch args[0] {
	case "init":
		return runCertsInit(args[1:], stdout, stderr)
	case "issue":
		return runCertsIssue(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		certsUsage(stdout)
		return 0
	default:
		fmt.Fprintf(stderr, "nems-harness certs: unknown subcommand %q: want init or issue (see nems-harness certs -h)\n", args[0])
		return 2
	}
}

func runCertsInit(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("certs init", stdout, stderr, withAbout("Creates a test Spine root CA, its sub-CA and the mock's server certificate in --dir."))
	dir := fs.String("dir", "", "folder to create the test PKI in (required)")
	force := fs.Bool("force", false, "replace an existing CA (certificates it issued stop being trusted)")
	var hosts listFlag
	fs.Var(&hosts, "host", "extra DNS name or IP address for the server certificate, besides localhost, 127.0.0.1 and ::1; repeatable")
	if code, ok := fs.parse(args); !ok {
		return code
	}
	if *dir == "" {
		return fs.usageError("--dir is required")
	}
	opts := []certs.InitOption{certs.ServerHosts(hosts...)}
	if *force {
		opts = append(opts, certs.Force())
	}
	if err := certs.Init(*dir, opts...); err != nil {
		if errors.Is(err, certs.ErrExists) {
			return fail(stderr, "certs init", fmt.Errorf("a test CA already exists in %s; pass --force to replace it", *dir))
		}
		return fail(stderr, "certs init", err)
	}
	fmt.Fprintf(stdout, "nems-harness: test Spine CA created in %s\n", *dir)
	fmt.Fprintf(stdout, "  %-16s root and sub-CA: what clients trust (curl --cacert)\n", certs.CAFile)
	fmt.Fprintf(stdout, "  %-16s the mock's server certificate (serve --tls-dir %s)\n", certs.ServerCertFile, *dir)
	fmt.Fprintf(stdout, "  %-16s the server's key (owner-only)\n", certs.ServerKeyFile)
	fmt.Fprintf(stdout, "  %-16s the issuing sub-CA\n", certs.SubCAFile)
	fmt.Fprintf(stdout, "  %-16s its key (owner-only): certs issue signs with it\n", certs.SubCAKeyFile)
	fmt.Fprintf(stdout, "next: nems-harness certs issue --dir %s --asid ASID --fqdn HOST\n", *dir)
	return 0
}

func runCertsIssue(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("certs issue", stdout, stderr, withAbout("Issues the endpoint (client) certificate CN=FQDN for the directory endpoint with ASID A."))
	dir := fs.String("dir", "", "folder holding the test CA (made by certs init) (required)")
	asid := fs.String("asid", "", "ASID of the directory endpoint the certificate is for (required)")
	fqdn := fs.String("fqdn", "", "host name of the endpoint: the certificate's CN and DNS name (required)")
	fixDir := fs.String("fixtures", "", "fixtures folder whose spine.json records the subject (default: print the line to add)")
	days := fs.Int("days", int(certs.EndpointValidity/(24*time.Hour)), "days the certificate is valid for")
	if code, ok := fs.parse(args); !ok {
		return code
	}
	for _, req := range []struct{ name, val string }{{"dir", *dir}, {"asid", *asid}, {"fqdn", *fqdn}} {
		if req.val == "" {
			return fs.usageError(fmt.Sprintf("--%s is required", req.name))
		}
	}
	if *days < 1 {
		return fs.usageError(fmt.Sprintf("--days must be at least 1, is %d", *days))
	}
	if err := certs.ValidASID(*asid); err != nil {
		return fail(stderr, "certs issue", err)
	}
	if err := certs.ValidFQDN(*fqdn); err != nil {
		return fail(stderr, "certs issue", fmt.Errorf("--fqdn %q: %w", *fqdn, err))
	}
	subject := certs.Subject(*fqdn)
	if *fixDir != "" {
		// Check before writing anything, so a typo leaves no stray files.
		if err := checkEndpoint(*fixDir, *asid, subject); err != nil {
			return fail(stderr, "certs issue", err)
		}
	}
	nb := time.Now().Add(-5 * time.Minute)
	certPath, keyPath, subject, err := certs.Issue(*dir, *asid, *fqdn,
		certs.IssueOptions{NotBefore: nb, NotAfter: nb.Add(time.Duration(*days) * 24 * time.Hour)})
	if err != nil {
		return fail(stderr, "certs issue", err)
	}
	fmt.Fprintf(stdout, "nems-harness: endpoint certificate %s for ASID %s\n", subject, *asid)
	fmt.Fprintf(stdout, "  certificate: %s (curl --cert)\n", certPath)
	fmt.Fprintf(stdout, "  key:         %s (curl --key)\n", keyPath)
	line := fmt.Sprintf(`"certificateSubject": %s`, jsonString(subject))
	if *fixDir != "" {
		if err := certs.RecordSubject(*fixDir, *asid, subject); err != nil {
			return fail(stderr, "certs issue", err)
		}
		fmt.Fprintf(stdout, "recorded %s for endpoint %s in %s\n", line, *asid, filepath.Join(*fixDir, world.SpineFile))
		return 0
	}
	if w, err := fixtures.Default(); err == nil {
		if ep, ok := w.Endpoint(*asid); ok && ep.CertificateSubject == subject {
			fmt.Fprintf(stdout, "the embedded fixtures already register %s for endpoint %s; for a fixtures folder of your own,\n", subject, *asid)
		}
	}
	fmt.Fprintf(stdout, "add to endpoint %s in spine.json (or pass --fixtures FIXDIR to have it recorded):\n", *asid)
	fmt.Fprintf(stdout, "  %s\n", line)
	return 0
}

// checkEndpoint reports whether a fixtures folder is sound, has the
// endpoint, and the subject is free for it.
func checkEndpoint(fixDir, asid, subject string) error {
	w, err := fixtures.Load(fixDir)
	if err != nil {
		return err
	}
	path := filepath.Join(fixDir, world.SpineFile)
	if e, ok := w.EndpointByCertificateSubject(subject); ok && e.ASID != asid {
		return fmt.Errorf("%s already registers %s for ASID %s", path, subject, e.ASID)
	}
	if _, ok := w.Endpoint(asid); !ok {
		return fmt.Errorf("%s has no endpoint with ASID %s", path, asid)
	}
	return nil
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
