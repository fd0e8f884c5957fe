#!/bin/sh
# Compares the mock's throughput with a bare net/http handler's, each served
# by its own process and loaded by wrk (a load generator much faster than
# either), in alternating runs within the same minutes: the ratio is the
# figure to quote, since this machine's absolute speed varies.
#
#   tools/wrk-compare.sh                 # 3 rounds of 10 s each, report mode
#   ROUNDS=5 DURATION=20s CONTENT=reject tools/wrk-compare.sh
#   BODY=fixtures/bundles/vaccinations-1-new.json tools/wrk-compare.sh
#
# Every request is a new message about a new record (nems-harness load
# --wrk-script), so the rules that remember judge real traffic.
set -eu

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-8}
CONTENT=${CONTENT:-report}
MOCK_ADDR=${MOCK_ADDR:-127.0.0.1:4864}
BARE_ADDR=${BARE_ADDR:-127.0.0.1:4866}
GO=${GO:-go}

command -v wrk >/dev/null 2>&1 || { echo "wrk-compare: wrk is not installed (Debian: apt-get install wrk)" >&2; exit 2; }

work=$(mktemp -d)
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

$GO build -o "$work/nems-harness" ./cmd/nems-harness
$GO build -o "$work/bare" ./tools/bare

"$work/nems-harness" serve --quiet --addr "$MOCK_ADDR" --content "$CONTENT" --admin-addr off &
pids="$pids $!"
"$work/bare" -addr "$BARE_ADDR" 2>/dev/null &
pids="$pids $!"

# Waits until an address answers HTTP.
ready() {
	i=0
	until curl -s -o /dev/null "http://$1/" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 100 ] || { echo "wrk-compare: nothing answers on $1" >&2; exit 1; }
		sleep 0.1
	done
}
ready "$MOCK_ADDR"
ready "$BARE_ADDR"

body_flag=""
[ -z "${BODY:-}" ] || body_flag="--body $BODY"

# One wrk run; prints its requests per second. A script is written for each
# run, since its JWT is valid for five minutes.
run() {
	# shellcheck disable=SC2086
	"$work/nems-harness" load --target "http://$1" --wrk-script "$work/load.lua" $body_flag >/dev/null
	out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s "$work/load.lua" "http://$1/STU3/Events/1/\$process-message")
	if printf '%s\n' "$out" | grep -q 'Non-2xx'; then
		echo "wrk-compare: $1 answered other than 2xx:" >&2
		printf '%s\n' "$out" >&2
		exit 1
	fi
	printf '%s\n' "$out" | awk '/^Requests\/sec:/ { printf "%d", $2 }'
}

echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $ROUNDS rounds; the mock in content mode $CONTENT"
echo "(every request with its own MessageHeader id and record)"
printf '%-6s %12s %12s %8s\n' round "bare req/s" "mock req/s" ratio
ratios=""
r=1
while [ "$r" -le "$ROUNDS" ]; do
	bare=$(run "$BARE_ADDR")
	mock=$(run "$MOCK_ADDR")
	ratio=$(awk -v m="$mock" -v b="$bare" 'BEGIN { printf "%.2f", m / b }')
	printf '%-6s %12s %12s %8s\n' "$r" "$bare" "$mock" "$ratio"
	ratios="$ratios $ratio"
	r=$((r + 1))
done
echo "$ratios" | tr ' ' '\n' | grep . | sort -n | awk '{ a[NR] = $1 } END { printf "median ratio mock/bare: %s (target >= 0.3)\n", a[int((NR + 1) / 2)] }'
