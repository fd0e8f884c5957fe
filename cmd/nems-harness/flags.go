package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/nems-harness/nems-harness/mockspine"
)

// Every command parses its flags here, so that all behave alike: -h prints
// the usage on stdout and exits 0; an unknown flag, a bad value or a stray
// argument is one line on stderr and exit 2. Commands made to run in
// containers and CI (serve, conformance, assure) also take every flag from
// the environment, NEMS_HARNESS_ + the flag name upper-cased with - as _,
// a flag on the command line winning: a flag added later gets its variable
// with no more code.

// envPrefix starts the name of every environment variable the harness reads
// its flags from.
const envPrefix = "NEMS_HARNESS_"

// envName is the environment variable that sets a flag.
func envName(flagName string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// flagSet is one command's flags with the harness's conventions.
type flagSet struct {
	*flag.FlagSet
	name           string // as typed after nems-harness: "serve", "certs init"
	stdout, stderr io.Writer
	env            bool   // flags may come from the environment
	about          string // what the command does, printed by -h
	synopsis       string // the usage line after the command's name; default "[flags]"
	args           string // the positional arguments the command takes, for the usage line; "" means none
	given          map[string]string
}

// flagOption configures a flagSet.
type flagOption func(*flagSet)

// withEnv lets every flag be set by its NEMS_HARNESS_ variable.
func withEnv(f *flagSet) { f.env = true }

// withAbout sets the text -h prints under the usage line.
func withAbout(text string) flagOption { return func(f *flagSet) { f.about = text } }

// withSynopsis sets the usage line after the command's name.
func withSynopsis(text string) flagOption { return func(f *flagSet) { f.synopsis = text } }

// withArgs accepts positional arguments, described for the usage line.
func withArgs(synopsis string) flagOption { return func(f *flagSet) { f.args = synopsis } }

func newFlags(name string, stdout, stderr io.Writer, opts ...flagOption) *flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	// The flag package would print its error and the whole usage; parse
	// prints one line instead.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	f := &flagSet{FlagSet: fs, name: name, stdout: stdout, stderr: stderr, given: map[string]string{}}
	for _, o := range opts {
		o(f)
	}
	return f
}

// parse reads args, then the environment for flags args left unset. When it
// returns false the command returns the status at once: 0 after -h, 2 after
// a mistake, whose line parse has printed.
func (f *flagSet) parse(args []string) (int, bool) {
	err := f.FlagSet.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		f.usage(f.stdout)
		return 0, false
	case err != nil:
		return f.usageError(err.Error()), false
	}
	// Only a command that says so takes arguments besides its flags.
	if f.args == "" && f.NArg() > 0 {
		return f.usageError(fmt.Sprintf("unexpected argument %q", f.Arg(0))), false
	}
	f.Visit(func(fl *flag.Flag) { f.given[fl.Name] = "--" + fl.Name })
	if f.env {
		if err := f.applyEnv(); err != nil {
			fmt.Fprintf(f.stderr, "nems-harness %s: %s\n", f.name, err)
			return 2, false
		}
	}
	return 0, true
}

// isSet reports whether a flag was given, on the command line or by its
// environment variable.
func (f *flagSet) isSet(name string) bool { _, ok := f.given[name]; return ok }

// source names where a flag's value came from, for messages: "--tls-dir",
// or "NEMS_HARNESS_TLS_DIR" when the environment gave it.
func (f *flagSet) source(name string) string {
	if s, ok := f.given[name]; ok {
		return s
	}
	return "--" + name
}

// usageError prints a mistake in using the command as one line with a hint,
// and returns the exit status 2.
func (f *flagSet) usageError(msg string) int {
	fmt.Fprintf(f.stderr, "nems-harness %s: %s (see nems-harness %s -h)\n", f.name, msg, f.name)
	return 2
}

// only reports, as a usage error, a flag given where it would be ignored:
// flag is set (to other than its default) but needs is false. It returns 0
// when there is nothing to say.
func (f *flagSet) only(flagName string, needs bool, when string) int {
	if !f.isSet(flagName) || needs {
		return 0
	}
	if fl := f.Lookup(flagName); fl != nil && fl.Value.String() == fl.DefValue {
		return 0
	}
	return f.usageError(fmt.Sprintf("%s only applies %s", f.source(flagName), when))
}

// applyEnv sets every flag the command line left unset from its variable.
// An empty variable counts as unset.
func (f *flagSet) applyEnv() error {
	var names []string
	f.VisitAll(func(fl *flag.Flag) { names = append(names, fl.Name) })
	sort.Strings(names)
	for _, name := range names {
		if f.isSet(name) {
			continue
		}
		variable := envName(name)
		v, ok := os.LookupEnv(variable)
		if !ok || v == "" {
			continue
		}
		fl := f.Lookup(name)
		values := []string{v}
		if _, repeatable := fl.Value.(*listFlag); repeatable {
			values = splitList(v)
		}
		for _, one := range values {
			if err := setFlag(fl, one); err != nil {
				return fmt.Errorf("%s=%q: %v", variable, v, err)
			}
		}
		f.given[name] = variable
	}
	return nil
}

// splitList reads a repeatable flag's variable: values separated by commas.
func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// setFlag sets a flag, saying in words what a value of its kind looks like
// when it is not one.
func setFlag(fl *flag.Flag, v string) error {
	kind, _ := flag.UnquoteUsage(fl)
	if b, ok := fl.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
		if _, err := strconv.ParseBool(v); err != nil {
			return errors.New("want true or false")
		}
	}
	err := fl.Value.Set(v)
	if err == nil {
		return nil
	}
	switch kind {
	case "int", "uint":
		return errors.New("want a whole number")
	case "float":
		return errors.New("want a number")
	case "duration":
		return errors.New("want a duration such as 500ms, 30s or 2m")
	}
	return err
}

// usage prints the command's usage and flags, with their variables.
func (f *flagSet) usage(w io.Writer) {
	synopsis := f.synopsis
	if synopsis == "" {
		synopsis = strings.TrimSpace("[flags] " + f.args)
	}
	fmt.Fprintf(w, "Usage: nems-harness %s %s\n", f.name, synopsis)
	about := f.about
	if about == "" {
		about = commands[strings.Fields(f.name)[0]].summary
	}
	if about != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(about))
	}
	n := 0
	f.VisitAll(func(*flag.Flag) { n++ })
	if n == 0 {
		return
	}
	fmt.Fprintln(w, "\nFlags:")
	f.VisitAll(func(fl *flag.Flag) {
		kind, text := flag.UnquoteUsage(fl)
		if k, ok := fl.Value.(interface{ kind() string }); ok {
			kind = k.kind()
		}
		line := "  --" + fl.Name
		if kind != "" {
			line += " " + kind
		}
		if f.env {
			line += "    [" + envName(fl.Name) + "]"
		}
		fmt.Fprintln(w, line)
		if d := fl.DefValue; d != "" && d != "false" && d != "0" && d != "0s" {
			text += fmt.Sprintf(" (default %q)", d)
		}
		fmt.Fprintf(w, "        %s\n", text)
	})
	if f.env {
		fmt.Fprintln(w, "\nEach flag can also be set by the environment variable in brackets; the command line wins.")
	}
}

// listFlag collects a repeatable flag; its environment variable takes the
// values separated by commas.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, " ") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }
func (l *listFlag) kind() string       { return "value (repeatable)" }

// addrFlag is a listen address, checked when set so that a malformed one
// is reported against the flag or variable that gave it.
type addrFlag struct{ p *string }

func (a addrFlag) String() string {
	if a.p == nil {
		return ""
	}
	return *a.p
}

func (a addrFlag) kind() string { return "host:port" }

func (a addrFlag) Set(v string) error {
	host, port, err := net.SplitHostPort(v)
	if err != nil {
		return errors.New("want HOST:PORT, e.g. 127.0.0.1:4854 or :4854")
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("port %q is not a number from 0 to 65535", port)
	}
	_ = host // any host: a name, an address, or empty for every interface
	*a.p = v
	return nil
}

// addrVar defines a listen-address flag.
func (f *flagSet) addrVar(p *string, name, value, usage string) {
	*p = value
	f.Var(addrFlag{p}, name, usage)
}

// profileFlag is a rule profile, checked when set; empty is allowed where
// the default is empty (another source decides).
type profileFlag struct{ p *string }

func (v profileFlag) String() string {
	if v.p == nil {
		return ""
	}
	return *v.p
}

func (v profileFlag) kind() string { return "profile" }

func (v profileFlag) Set(s string) error {
	if _, err := mockspine.ParseProfile(s); err != nil {
		return err
	}
	*v.p = s
	return nil
}

// profileVar defines a rule-profile flag.
func (f *flagSet) profileVar(p *string, name, value, usage string) {
	*p = value
	f.Var(profileFlag{p}, name, usage)
}
