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
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if args[0] == "version" || args[0] == "--version" {
		fmt.Fprintln(stdout, "nems-harness", version())
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "nems-harness: unknown command %q (run nems-harness help)\n", args[0])
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
	fmt.Fprintf(w, "  %-12s %s\n", "version", "print the version")
}

// fail prints a one-line error and returns the exit status for it.
func fail(stderr io.Writer, cmd string, err error) int {
	fmt.Fprintf(stderr, "nems-harness %s: %s\n", cmd, strings.TrimSpace(err.Error()))
	return 1
}
