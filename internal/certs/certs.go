// Package certs is the harness's built-in test PKI: a test "Spine" root CA,
// an issuing sub-CA, the mock's server certificate and the endpoint (client)
// certificates that publishers present over mutual TLS, as real Spine
// endpoints present theirs (rule EP-CERT).
//
// A certificate folder holds:
//
//	ca.pem          sub-CA then root: what clients trust (curl --cacert)
//	server.pem      the mock's server certificate, then the sub-CA
//	server-key.pem  its key
//	sub-ca.pem      the issuing sub-CA
//	sub-ca-key.pem  its key, so that endpoint certificates can be issued later
//	<fqdn>.pem      an endpoint certificate, then the sub-CA
//	<fqdn>-key.pem  its key
//
// Keys are ECDSA P-256 in PKCS#8 PEM ("PRIVATE KEY"), which curl, OpenSSL,
// Go, Java and .NET all load, and are written readable by their owner only.
// The root key is not kept: the sub-CA signs everything after Init.
package certs

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// File names inside a certificate folder.
const (
	CAFile         = "ca.pem"
	ServerCertFile = "server.pem"
	ServerKeyFile  = "server-key.pem"
	SubCAFile      = "sub-ca.pem"
	SubCAKeyFile   = "sub-ca-key.pem"
)

// Names of the test CAs.
const (
	RootCAName = "NEMS Harness Test Spine Root CA"
	SubCAName  = "NEMS Harness Test Spine Sub CA"
	orgName    = "NEMS Harness (test only, not NHS)"
)

// Validity periods.
const (
	rootValidity     = 10 * 365 * 24 * time.Hour
	subCAValidity    = 5 * 365 * 24 * time.Hour
	serverValidity   = 825 * 24 * time.Hour
	EndpointValidity = 365 * 24 * time.Hour
	// backdate absorbs small clock differences between machines.
	backdate = 5 * time.Minute
)

// Modes of the files written.
const (
	keyMode  fs.FileMode = 0o600
	certMode fs.FileMode = 0o644
	dirMode  fs.FileMode = 0o700
)

// ErrExists is returned by Init when the folder already holds a CA.
var ErrExists = errors.New("a test CA already exists")

// DefaultServerHosts are the names the mock's server certificate is valid
// for.
var DefaultServerHosts = []string{"localhost", "127.0.0.1", "::1"}

type initConfig struct {
	force bool
	hosts []string
	now   func() time.Time
}

// InitOption adjusts Init.
type InitOption func(*initConfig)

// Force lets Init replace an existing CA. Endpoint certificates issued by the
// old one stop being trusted.
func Force() InitOption { return func(c *initConfig) { c.force = true } }

// ServerHosts adds DNS names or IP addresses to the server certificate, on
// top of DefaultServerHosts.
func ServerHosts(hosts ...string) InitOption {
	return func(c *initConfig) { c.hosts = append(c.hosts, hosts...) }
}

// Clock sets the time certificates are issued at (tests).
func Clock(now func() time.Time) InitOption { return func(c *initConfig) { c.now = now } }

// Init creates the test PKI in dir (created if missing): root CA, issuing
// sub-CA and the mock's server certificate. It refuses to replace an existing
// CA unless Force is given.
func Init(dir string, opts ...InitOption) error {
	cfg := initConfig{now: time.Now}
	for _, o := range opts {
		o(&cfg)
	}
	if dir == "" {
		return errors.New("no certificate folder given")
	}
	hosts, err := serverHosts(cfg.hosts)
	if err != nil {
		return err
	}
	if !cfg.force {
		for _, f := range []string{CAFile, SubCAFile, SubCAKeyFile} {
			if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
				return fmt.Errorf("%w in %s (%s); use force to replace it", ErrExists, dir, f)
			} else if !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	if err := os.MkdirAll(dir, dirMode); err != nil {
		return fmt.Errorf("creating certificate folder: %w", err)
	}
	now := cfg.now()
	// Each PKI gets its own name, so that certificates from two test CAs
	// are told apart (in CA lists and in errors) rather than confused.
	id := make([]byte, 4)
	if _, err := rand.Read(id); err != nil {
		return err
	}
	unit := []string{fmt.Sprintf("Test PKI %x", id)}

	rootKey, err := newKey()
	if err != nil {
		return err
	}
	root, err := sign(&x509.Certificate{
		Subject:               pkix.Name{CommonName: RootCAName, Organization: []string{orgName}, OrganizationalUnit: unit},
		NotBefore:             now.Add(-backdate),
		NotAfter:              now.Add(rootValidity),
		IsCA:                  true,
		BasicConstraintsValid: true,
		MaxPathLen:            1,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}, nil, rootKey.Public(), rootKey)
	if err != nil {
		return fmt.Errorf("root CA: %w", err)
	}

	subKey, err := newKey()
	if err != nil {
		return err
	}
	sub, err := sign(&x509.Certificate{
		Subject:               pkix.Name{CommonName: SubCAName, Organization: []string{orgName}, OrganizationalUnit: unit},
		NotBefore:             now.Add(-backdate),
		NotAfter:              now.Add(subCAValidity),
		IsCA:                  true,
		BasicConstraintsValid: true,
		MaxPathLenZero:        true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}, root, subKey.Public(), rootKey)
	if err != nil {
		return fmt.Errorf("sub-CA: %w", err)
	}

	srvKey, err := newKey()
	if err != nil {
		return err
	}
	tmpl := &x509.Certificate{
		Subject:               pkix.Name{CommonName: hosts[0], Organization: []string{orgName}},
		NotBefore:             now.Add(-backdate),
		NotAfter:              now.Add(serverValidity),
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	srv, err := sign(tmpl, sub, srvKey.Public(), subKey)
	if err != nil {
		return fmt.Errorf("server certificate: %w", err)
	}

	// Keys first, the CA files last: a folder holding ca.pem holds a
	// complete PKI.
	writes := []struct {
		name string
		data []byte
		mode fs.FileMode
	}{
		{SubCAKeyFile, keyPEM(subKey), keyMode},
		{ServerKeyFile, keyPEM(srvKey), keyMode},
		{ServerCertFile, certsPEM(srv, sub), certMode},
		{SubCAFile, certsPEM(sub), certMode},
		{CAFile, certsPEM(sub, root), certMode},
	}
	for _, w := range writes {
		if err := writeFile(filepath.Join(dir, w.name), w.data, w.mode); err != nil {
			return err
		}
	}
	return nil
}

// serverHosts merges the default and extra names, checking each.
func serverHosts(extra []string) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	for _, h := range append(append([]string{}, DefaultServerHosts...), extra...) {
		h = strings.TrimSpace(h)
		if net.ParseIP(h) == nil {
			if err := ValidFQDN(h); err != nil {
				return nil, fmt.Errorf("server host %q: %w", h, err)
			}
			h = strings.ToLower(h)
		}
		if !seen[h] {
			seen[h] = true
			out = append(out, h)
		}
	}
	return out, nil
}

// IssueOptions adjust an endpoint certificate. Zero values mean: valid from
// a few minutes ago for EndpointValidity.
type IssueOptions struct {
	NotBefore time.Time
	NotAfter  time.Time
}

// Subject is the certificate subject Issue gives an endpoint certificate for
// fqdn, as crypto/x509 prints it and as spine.json's certificateSubject
// records it: "CN=<fqdn>".
func Subject(fqdn string) string { return pkix.Name{CommonName: fqdn}.String() }

// Issue signs an endpoint (client) certificate for the directory endpoint
// with ASID asid at host fqdn: subject CN=fqdn, DNS name fqdn, client
// authentication only. It writes dir/<fqdn>.pem (the certificate, then the
// sub-CA) and dir/<fqdn>-key.pem, replacing earlier ones, and returns their
// paths and the subject to register in spine.json.
func Issue(dir, asid, fqdn string, opts IssueOptions) (certPath, keyPath, subject string, err error) {
	if err := ValidASID(asid); err != nil {
		return "", "", "", err
	}
	if err := ValidFQDN(fqdn); err != nil {
		return "", "", "", fmt.Errorf("fqdn %q: %w", fqdn, err)
	}
	sub, subKey, err := loadSubCA(dir)
	if err != nil {
		return "", "", "", err
	}
	nb, na := opts.NotBefore, opts.NotAfter
	if nb.IsZero() {
		nb = time.Now().Add(-backdate)
	}
	if na.IsZero() {
		na = nb.Add(EndpointValidity)
	}
	if !na.After(nb) {
		return "", "", "", fmt.Errorf("certificate would expire (%s) before it is valid (%s)",
			na.UTC().Format(time.RFC3339), nb.UTC().Format(time.RFC3339))
	}
	key, err := newKey()
	if err != nil {
		return "", "", "", err
	}
	leaf, err := sign(&x509.Certificate{
		Subject:               pkix.Name{CommonName: fqdn},
		DNSNames:              []string{fqdn},
		NotBefore:             nb,
		NotAfter:              na,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}, sub, key.Public(), subKey)
	if err != nil {
		return "", "", "", fmt.Errorf("endpoint certificate: %w", err)
	}
	certPath = filepath.Join(dir, fqdn+".pem")
	keyPath = filepath.Join(dir, fqdn+"-key.pem")
	if err := writeFile(keyPath, keyPEM(key), keyMode); err != nil {
		return "", "", "", err
	}
	if err := writeFile(certPath, certsPEM(leaf, sub), certMode); err != nil {
		return "", "", "", err
	}
	return certPath, keyPath, leaf.Subject.String(), nil
}

// ValidASID checks that an ASID is a plausible accredited system ID: digits
// only.
func ValidASID(asid string) error {
	if asid == "" {
		return errors.New("no ASID given")
	}
	if len(asid) > 20 {
		return fmt.Errorf("ASID %q is too long", asid)
	}
	for _, r := range asid {
		if r < '0' || r > '9' {
			return fmt.Errorf("ASID %q must be digits only", asid)
		}
	}
	return nil
}

// ValidFQDN checks that a host name is a DNS name usable as a certificate
// name and a file name: labels of letters, digits and hyphens, separated by
// dots; no path separators, no wildcard.
func ValidFQDN(fqdn string) error {
	switch {
	case fqdn == "":
		return errors.New("no host name given")
	case len(fqdn) > 253:
		return errors.New("host name longer than 253 characters")
	case strings.ContainsAny(fqdn, `/\`):
		return errors.New("host name must not contain path separators")
	}
	for _, label := range strings.Split(fqdn, ".") {
		if label == "" {
			return errors.New("host name has an empty label (leading, trailing or double dot)")
		}
		if len(label) > 63 {
			return fmt.Errorf("label %q is longer than 63 characters", label)
		}
		if label[0] == '-' || label[len(label)-1] == '-' {
			return fmt.Errorf("label %q must not begin or end with a hyphen", label)
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return fmt.Errorf("label %q may hold only letters, digits and hyphens", label)
			}
		}
	}
	return nil
}

// LoadCertificate reads the first certificate of a PEM file (the leaf of a
// chain).
func LoadCertificate(path string) (*x509.Certificate, error) {
	cs, err := loadCerts(path)
	if err != nil {
		return nil, err
	}
	return cs[0], nil
}

func loadCerts(path string) ([]*x509.Certificate, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []*x509.Certificate
	for {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			break
		}
		if blk.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s holds no PEM certificate", path)
	}
	return out, nil
}

func loadSubCA(dir string) (*x509.Certificate, crypto.Signer, error) {
	certPath, keyPath := filepath.Join(dir, SubCAFile), filepath.Join(dir, SubCAKeyFile)
	if _, err := os.Stat(keyPath); errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("no test CA in %s (%s is missing); create one with certs init", dir, SubCAKeyFile)
	}
	sub, err := LoadCertificate(certPath)
	if err != nil {
		return nil, nil, fmt.Errorf("reading the sub-CA: %w", err)
	}
	b, err := os.ReadFile(keyPath)
	if err != nil {
		return nil, nil, fmt.Errorf("reading the sub-CA key: %w", err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != "PRIVATE KEY" {
		return nil, nil, fmt.Errorf("%s is not a PKCS#8 PEM private key", keyPath)
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", keyPath, err)
	}
	signer, ok := k.(crypto.Signer)
	if !ok {
		return nil, nil, fmt.Errorf("%s: unsupported key type %T", keyPath, k)
	}
	if !publicKeysEqual(signer.Public(), sub.PublicKey) {
		return nil, nil, fmt.Errorf("%s does not match %s", keyPath, certPath)
	}
	return sub, signer, nil
}

func publicKeysEqual(a, b crypto.PublicKey) bool {
	ka, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && ka.Equal(b)
}

func newKey() (*ecdsa.PrivateKey, error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generating a key: %w", err)
	}
	return k, nil
}

// sign issues tmpl signed by parent (nil: self-signed) with a fresh random
// serial number.
func sign(tmpl, parent *x509.Certificate, pub crypto.PublicKey, signer crypto.Signer) (*x509.Certificate, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, fmt.Errorf("serial number: %w", err)
	}
	tmpl.SerialNumber = serial.Add(serial, big.NewInt(1)) // positive, never zero
	if parent == nil {
		parent = tmpl
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, signer)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}

func keyPEM(k *ecdsa.PrivateKey) []byte {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		panic(err) // cannot happen for a P-256 key
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

func certsPEM(cs ...*x509.Certificate) []byte {
	var b []byte
	for _, c := range cs {
		b = append(b, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	return b
}

// writeFile replaces a file atomically with the given mode: a key is never
// readable by others, even for a moment, even when an older file with a
// wider mode was there.
func writeFile(path string, data []byte, mode fs.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err := f.Chmod(mode); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	ok = true
	return nil
}
