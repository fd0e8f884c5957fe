#!/bin/sh
# The trigger that assure.json names: nems-harness assure runs it, in this
# folder, once per scenario:
#
#   ./publish.sh EVENT_TYPE NHS_NUMBER MESSAGE_TYPE
#
# NEMS_URL and NEMS_ASID (and NEMS_TLS_CA, NEMS_TLS_CERT, NEMS_TLS_KEY over
# mutual TLS, and NEMS_VARIANT when a scenario asks for a particular kind of
# event) come from the harness. For your own system, replace the last
# line with whatever makes it publish that event: call its API, drop a file
# in its inbox, run its CLI. Exit non-zero when it could not publish.
set -eu

# PUBLISHER_BIN names a reference publisher built already; otherwise build
# it (quick when nothing changed) next to the other temporary files.
bin="${PUBLISHER_BIN:-}"
if [ -z "$bin" ]; then
  bin="${TMPDIR:-/tmp}/nems-harness-reference-publisher-$(id -u)"
  go build -o "$bin" .
fi
exec "$bin" "$1" "$2" "$3"
