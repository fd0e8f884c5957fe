// Command nems-harness is the NEMS publication conformance harness: a mock
// Spine/NEMS endpoint, the conformance suite and assurance reports.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// command is one subcommand: name, one-line summary and entry point.
type command struct {
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

// commands is filled by each subcommand's file.
var commands = map[string]command{}

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	switch {
	case len(args) == 0:
		usage(stderr)
		return 2
	case args[0] == "-h" || args[0] == "--help" || args[0] == "-help":
		usage(stdout)
		return 0
	case args[0] == "help":
		if len(args) == 1 {
			usage(stdout)
			return 0
		}
		// help CMD [SUB] is CMD [SUB] -h.
		return run(append(append([]string{}, args[1:]...), "-h"), stdout, stderr)
	case args[0] == "--version" || args[0] == "-version":
		args = []string{"version"}
	case strings.HasPrefix(args[0], "-"):
		fmt.Fprintf(stderr, "nems-harness: flag %s needs a command before it (see nems-harness help)\n", args[0])
		return 2
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "nems-harness: unknown command %q (see nems-harness help)\n", args[0])
		return 2
	}
	return c.run(args[1:], stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "nems-harness: conformance harness and mock endpoint for the NEMS Publication API")
	fmt.Fprintln(w, "\nUsage: nems-harness <command> [flags]   (nems-harness <command> -h for its flags)")
	fmt.Fprintln(w, "\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-12s %s\n", n, commands[n].summary)
	}
	fmt.Fprintf(w, "\nserve, conformance and assure also read each flag from NEMS_HARNESS_<FLAG> (e.g. NEMS_HARNESS_ADDR).\n")
}

// fail prints a one-line error and returns the exit status for it.
func fail(stderr io.Writer, cmd string, err error) int {
	fmt.Fprintf(stderr, "nems-harness %s: %s\n", cmd, strings.TrimSpace(err.Error()))
	return 1
}
