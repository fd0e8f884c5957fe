// Package reports holds the assurance report model and the writers that render
// it for an assessor.
//
// A [Report] has one [RuleRow] per guidance rule (IDs such as JWT-SCOPE, in
// catalogue order), each with its [Verdict], the scenarios that exercised it
// and, for failures, the [Evidence]: the failed assertion and the HTTP request
// and response. [Report.Passed] is the overall result.
//
// Writers are registered by name behind the [Writer] interface, like godog's
// formatters: [Lookup] finds one ("html", "markdown"), [Names] lists them and
// [WriteAll] writes several into one directory. The HTML report is a single
// self-contained file (inline CSS, no scripts, fonts or images) that reads
// with JavaScript off and prints cleanly; the Markdown report is
// GitHub-flavoured.
//
// A rule whose verdict is empty or unknown is shown and counted as not
// assessed, never as a pass. Evidence bodies longer than [MaxBodyBytes] are
// shortened in every format, with a note saying how many bytes were cut.
package reports
