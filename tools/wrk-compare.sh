#!/bin/sh
# Compares the mock's throughput with a bare net/http handler's, each served
# by its own process and loaded by wrk (a load generator much faster than
# either), in alternating runs within the same minutes: the ratio is the
# figure to quote, since this machine's absolute speed varies.
#
#   tools/wrk-compare.sh                 # 3 rounds of 10 s each, report mode
#   ROUNDS=5 DURATION=20s CONTENT=reject tools/wrk-compare.sh
#   BODY=fixtures/bundles/vaccinations-1-new.json tools/wrk-compare.sh
#   DASHBOARD=1 tools/wrk-compare.sh     # the mock alone against the mock
#                                        # with a dashboard stream open
#
# Besides requests per second it prints the mock's CPU time per request
# (user + system, from /proc), which varies less with the machine's load.
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
mock_pid=$!
pids="$pids $mock_pid"
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

# cpu prints the mock's user + system CPU time so far, in clock ticks.
cpu() { awk '{ print $14 + $15 }' "/proc/$mock_pid/stat"; }
ticks=$(getconf CLK_TCK)

# One wrk run; sets rps (requests per second) and, for the mock, us (its CPU
# microseconds per request). A script is written for each run, since its
# JWT is valid for five minutes.
run() {
	# shellcheck disable=SC2086
	"$work/nems-harness" load --target "http://$1" --wrk-script "$work/load.lua" $body_flag >/dev/null
	before=$(cpu)
	out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s "$work/load.lua" "http://$1/STU3/Events/1/\$process-message")
	after=$(cpu)
	if printf '%s\n' "$out" | grep -q 'Non-2xx'; then
		echo "wrk-compare: $1 answered other than 2xx:" >&2
		printf '%s\n' "$out" >&2
		exit 1
	fi
	rps=$(printf '%s\n' "$out" | awk '/^Requests\/sec:/ { printf "%d", $2 }')
	n=$(printf '%s\n' "$out" | awk '/requests in/ { print $1 }')
	us=$(awk -v a="$after" -v b="$before" -v n="$n" -v t="$ticks" 'BEGIN { printf "%.0f", (a - b) / t * 1e6 / n }')
}

# viewer does what the dashboard page does under load: load the list, follow
# the live stream until told it fell behind, reload two seconds later.
viewer() {
	trap 'exit 0' TERM
	while :; do
		curl -s "http://$MOCK_ADDR/_harness/ui/api/requests" >/dev/null || true
		curl -s -N --max-time 2 "http://$MOCK_ADDR/_harness/ui/events" >/dev/null || true
		sleep 2
	done
}

median() { tr ' ' '\n' | grep . | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $ROUNDS rounds; the mock in content mode $CONTENT"
echo "(every request with its own MessageHeader id and record)"
if [ -n "${DASHBOARD:-}" ]; then
	printf '%-6s %14s %10s %14s %10s\n' round "alone req/s" "CPU us/req" "+stream req/s" "CPU us/req"
	a_us="" d_us=""
	r=1
	while [ "$r" -le "$ROUNDS" ]; do
		run "$MOCK_ADDR"
		alone=$rps alone_us=$us
		viewer &
		stream=$!
		run "$MOCK_ADDR"
		kill "$stream" 2>/dev/null || true
		printf '%-6s %14s %10s %14s %10s\n' "$r" "$alone" "$alone_us" "$rps" "$us"
		a_us="$a_us $alone_us" d_us="$d_us $us"
		r=$((r + 1))
	done
	a=$(echo "$a_us" | median) d=$(echo "$d_us" | median)
	awk -v a="$a" -v d="$d" 'BEGIN { printf "median CPU per request: %s us alone, %s us with a dashboard stream (%+.1f %%; target <= +5 %%)\n", a, d, (d - a) / a * 100 }'
	exit 0
fi
printf '%-6s %12s %12s %8s %12s\n' round "bare req/s" "mock req/s" ratio "CPU us/req"
ratios="" cpus=""
r=1
while [ "$r" -le "$ROUNDS" ]; do
	run "$BARE_ADDR"
	bare=$rps
	run "$MOCK_ADDR"
	ratio=$(awk -v m="$rps" -v b="$bare" 'BEGIN { printf "%.2f", m / b }')
	printf '%-6s %12s %12s %8s %12s\n' "$r" "$bare" "$rps" "$ratio" "$us"
	ratios="$ratios $ratio" cpus="$cpus $us"
	r=$((r + 1))
done
echo "median ratio mock/bare: $(echo "$ratios" | median) (target >= 0.3); the mock's median CPU per request: $(echo "$cpus" | median) us"
