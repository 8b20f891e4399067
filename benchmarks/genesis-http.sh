#!/usr/bin/env bash
# Genesis HTTP benchmark: wrk against GET /p2pnet/genesis/peers?count=8 with 1,000 registered
# nodes, beside wrk against the trivial /p2pnet/genesis/health servlet of the same genesis node,
# in trustless mode and then in authority mode (every answer signed), all in one run. Writes the
# figures, with the command that produced them, to benchmarks/genesis-http.md (or --out).
#
#   benchmarks/genesis-http.sh [--duration S] [--connections N] [--registered N] [--out FILE]
#                              [--runs N] [--results DIR]
#
#   --runs N       each measured wrk run N times (default 1; 1..20), after one warm-up per endpoint and
#                  mode; /health and /peers take turns run by run. The Markdown shows medians and every run.
#   --results DIR  also write DIR/genesis-http.json (org.p2pnet.bench.Results: every run's value)
#
# Everything stays on 127.0.0.1: one genesis node (the bootstrap-node distribution, unpacked into
# a temporary directory, stopped and removed at the end whatever happens) and wrk (installed from
# Debian's packages when missing; needs root then). The per-source rate limit is turned off for
# the run (rateLimitPerSecond = 0): every request comes from 127.0.0.1, and the limit is what a
# public genesis node keeps on. Each wrk run is bounded by --duration.
set -Eeuo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source-path=SCRIPTDIR source=lib/results.sh
. "$ROOT/benchmarks/lib/results.sh"
DURATION=20
RUNS=1
RESULTS_DIR=""
CONNECTIONS=64
REGISTERED=1000
OUT="$ROOT/benchmarks/genesis-http.md"
COMMAND_LINE="benchmarks/genesis-http.sh"
[ $# -eq 0 ] || COMMAND_LINE+=$(printf ' %q' "$@")

die() { echo "genesis-http: $*" >&2; exit 1; }
say() { echo "==> $*" >&2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION=${2:?}; shift 2 ;;
    --connections) CONNECTIONS=${2:?}; shift 2 ;;
    --registered) REGISTERED=${2:?}; shift 2 ;;
    --out) OUT=${2:?}; shift 2 ;;
    --runs) RUNS=${2:?}; shift 2 ;;
    --results) RESULTS_DIR=${2:?}; shift 2 ;;
    -h|--help) sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done
[[ "$DURATION" =~ ^[0-9]+$ ]] && [ "$DURATION" -ge 5 ] && [ "$DURATION" -le 300 ] || die "--duration must be 5-300 s"
[[ "$CONNECTIONS" =~ ^[0-9]+$ ]] && [ "$CONNECTIONS" -ge 1 ] && [ "$CONNECTIONS" -le 1000 ] || die "--connections must be 1-1000"
[[ "$REGISTERED" =~ ^[0-9]+$ ]] && [ "$REGISTERED" -ge 1 ] && [ "$REGISTERED" -le 100000 ] || die "--registered must be 1-100000"
[[ "$RUNS" =~ ^[0-9]+$ ]] && [ "$RUNS" -ge 1 ] && [ "$RUNS" -le 20 ] || die "--runs must be 1-20"
[ -z "$RESULTS_DIR" ] || RESULTS_DIR=$(results_dir "$RESULTS_DIR") || die "--results needs a directory it can write to"

TGZ=$(ls "$ROOT"/bootstrap-node/target/p2pnet-bootstrap-node-*.tar.gz 2>/dev/null | head -1)
[ -n "$TGZ" ] || die "no bootstrap-node distribution: build first (./mvnw -B install -DskipTests)"
API_CLASSES="$ROOT/bundles/api/target/classes"
TEST_CLASSES="$ROOT/itests/target/test-classes"
[ -f "$TEST_CLASSES/org/p2pnet/itests/GenesisRegistrar.class" ] || die "itests not compiled: ./mvnw -B install -DskipTests"
if [ -z "${JAVA_HOME:-}" ]; then JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"; fi
export JAVA_HOME

if ! command -v wrk >/dev/null; then
  [ "$(id -u)" = 0 ] || die "wrk is missing and installing it needs root (apt-get install wrk)"
  say "installing wrk from Debian's packages"
  timeout 300 apt-get update -qq && DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq wrk >/dev/null \
    || die "apt-get install wrk failed"
fi

WORK=$(mktemp -d /tmp/p2pnet-genesis-bench-XXXXXX)
PID=""
cleanup() {
  local rc=$?
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
    kill -TERM "$PID" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$PID" 2>/dev/null || true
  fi
  [ "$rc" = 0 ] || { mkdir -p /tmp/p2pnet-genesis-bench-logs; cp -r "$WORK/data/log" /tmp/p2pnet-genesis-bench-logs/ 2>/dev/null || true;
                     echo "genesis-http: logs kept in /tmp/p2pnet-genesis-bench-logs" >&2; }
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

USED_PORTS=" "
free_port() { # a port nothing listens on (127.0.0.1), not handed out before in this run (bounded tries)
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 40000))
    [[ "$USED_PORTS" == *" $p "* ]] && continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then USED_PORTS+="$p "; echo "$p"; return 0; fi
  done
  die "no free port found"
}
set_cfg() { # FILE KEY VALUE
  touch "$1"; sed -i -E "/^[[:space:]]*$2[[:space:]]*=/d" "$1"; printf '%s = %s\n' "$2" "$3" >>"$1"
}

free_port >/dev/null # (ports are picked in this shell so that USED_PORTS keeps them apart)
HTTP=$((20000 + RANDOM % 13000)); P2P=$((HTTP + 13000)); SSH=$((HTTP + 26000))
for p in $HTTP $P2P $SSH; do (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && die "port $p is taken; run again"; done
tar -xzf "$TGZ" -C "$WORK" --strip-components=1
set_cfg "$WORK/etc/org.ops4j.pax.web.cfg" org.osgi.service.http.port "$HTTP"
set_cfg "$WORK/etc/org.p2pnet.core.cfg" port "$P2P"
set_cfg "$WORK/etc/org.p2pnet.core.cfg" networkName bench
set_cfg "$WORK/etc/org.apache.karaf.shell.cfg" sshPort "$SSH"
set_cfg "$WORK/etc/org.apache.karaf.shell.cfg" sshHost 127.0.0.1
set_cfg "$WORK/etc/org.p2pnet.genesis.cfg" mode trustless
set_cfg "$WORK/etc/org.p2pnet.genesis.cfg" rateLimitPerSecond 0
BASE="http://127.0.0.1:$HTTP/p2pnet/genesis"

say "starting the genesis node (http $HTTP)"
(cd "$WORK" && exec env KARAF_EXEC=exec "$WORK/bin/karaf" server >"$WORK/console.log" 2>&1 </dev/null) &
PID=$!
for _ in $(seq 1 240); do
  curl -fsS -m 2 "$BASE/health" >/dev/null 2>&1 && break
  kill -0 "$PID" 2>/dev/null || die "the genesis node exited (see its karaf.log)"
  sleep 0.5
done
curl -fsS -m 2 "$BASE/health" >/dev/null || die "the genesis node did not answer $BASE/health within 120 s"

say "registering $REGISTERED nodes"
"$JAVA_HOME/bin/java" -cp "$TEST_CLASSES:$API_CLASSES" org.p2pnet.itests.GenesisRegistrar "$BASE" bench "$REGISTERED" >&2

# wrk_warm PATH: a few seconds of warm-up (JIT), not measured
wrk_warm() {
  timeout 35 wrk -t2 -c"$CONNECTIONS" -d5s "$BASE$1" >/dev/null 2>&1 || true
}
# wrk_run LABEL PATH: one measured run; sets RPS and P99 (ms), keeps wrk's output in RAW[LABEL]
declare -A RAW=()
RPS=""; P99=""
wrk_run() {
  local label=$1 path=$2 out
  out=$(timeout $((DURATION + 30)) wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$BASE$path") || die "wrk $label failed: $out"
  RAW[$label]=$out
  grep -q "Non-2xx" <<<"$out" && die "wrk $label: non-2xx answers: $out"
  RPS=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  P99=$(to_ms "$(awk '$1=="99%" {print $2}' <<<"$out")")
  [[ "$RPS" =~ ^[0-9]+(\.[0-9]+)?$ ]] && [[ "$P99" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "wrk $label: no requests/s or p99 in its output: $out"
}
LABELS=() # every measured run's label, in order
# measure_mode MODE: warm-up of both endpoints, then RUNS rounds of /health and /peers in turn;
# appends to H_RPS_<MODE>, H_P99_<MODE>, P_RPS_<MODE>, P_P99_<MODE>
measure_mode() {
  local mode=$1 r suffix
  local -n h_rps="H_RPS_$mode" h_p99="H_P99_$mode" p_rps="P_RPS_$mode" p_p99="P_P99_$mode"
  wrk_warm /health
  wrk_warm "/peers?count=8"
  for r in $(seq 1 "$RUNS"); do
    suffix=""; [ "$RUNS" -eq 1 ] || suffix=" run $r"
    wrk_run "$mode-health$suffix" /health; h_rps+=("$RPS"); h_p99+=("$P99")
    wrk_run "$mode-peers$suffix" "/peers?count=8"; p_rps+=("$RPS"); p_p99+=("$P99")
    LABELS+=("$mode-health$suffix" "$mode-peers$suffix")
    [ "$RUNS" -eq 1 ] || say "  run $r of $RUNS: /health ${h_rps[-1]} req/s (p99 ${h_p99[-1]} ms), /peers ${p_rps[-1]} req/s (p99 ${p_p99[-1]} ms)"
  done
}
H_RPS_trustless=(); H_P99_trustless=(); P_RPS_trustless=(); P_P99_trustless=()
H_RPS_authority=(); H_P99_authority=(); P_RPS_authority=(); P_P99_authority=()
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {m=(NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2; printf "%.2f\n", m}'; }
to_ms() { # wrk latency like 1.23ms, 850.00us, 1.02s
  awk -v v="$1" 'BEGIN { n=v+0; if (v ~ /us$/) n=n/1000; else if (v ~ /ms$/) n=n; else if (v ~ /s$/) n=n*1000; printf "%.2f", n }'
}

set_mode() { # MODE: live, through Config Admin (etc/ is watched); waits until answers show it
  set_cfg "$WORK/etc/org.p2pnet.genesis.cfg" mode "$1"
  for _ in $(seq 1 120); do
    if curl -fsS -m 2 -D - -o /dev/null "$BASE/peers?count=1" 2>/dev/null | grep -qi "x-p2pnet-signature"; then
      [ "$1" = authority ] && return 0
    else
      [ "$1" = trustless ] && return 0
    fi
    sleep 0.5
  done
  die "the genesis node did not switch to $1 mode"
}

[ "$(curl -fsS "$BASE/peers?count=8" | grep -o '"host"' | wc -l)" = 8 ] || die "GET /peers?count=8 does not return 8 peers"
say "trustless: /health, then /peers?count=8 (${DURATION}s each, $CONNECTIONS connections)"
measure_mode trustless
say "authority mode"
set_mode authority
curl -fsS -m 2 -D - -o /dev/null "$BASE/peers?count=8" | grep -qi "x-p2pnet-signature" || die "authority answers are not signed"
measure_mode authority
# the Markdown shows medians (with one run: that run)
t_h_rps=$(median "${H_RPS_trustless[@]}"); t_h_p99=$(median "${H_P99_trustless[@]}")
t_p_rps=$(median "${P_RPS_trustless[@]}"); t_p_p99=$(median "${P_P99_trustless[@]}")
a_h_rps=$(median "${H_RPS_authority[@]}"); a_h_p99=$(median "${H_P99_authority[@]}")
a_p_rps=$(median "${P_RPS_authority[@]}"); a_p_p99=$(median "${P_P99_authority[@]}")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
verdict() { # RPS TARGET P99
  awk -v r="$1" -v t="$2" -v p="$3" 'BEGIN { print ((r >= t && p < 10) ? "met" : "NOT met") }'
}
report=$(
  echo "# Genesis HTTP: GET /p2pnet/genesis/peers?count=8"
  echo
  echo "Produced by \`cd $ROOT && $COMMAND_LINE\` on $(date -u +%Y-%m-%dT%H:%M:%SZ)."
  echo
  echo "- One genesis node (bootstrap-node distribution, Pax Web/Jetty on 127.0.0.1:$HTTP) with $REGISTERED registered nodes;"
  echo "  wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}') on the same machine: 2 threads, $CONNECTIONS connections, ${DURATION} s per run after 5 s of warm-up"
  echo "  of each endpoint in each mode."
  echo "- \"Trivial\" is \`GET /p2pnet/genesis/health\`, a servlet that writes a constant 20-byte JSON body, served by"
  echo "  the same node in the same run: the ceiling that Karaf's HTTP stack allows here."
  echo "- Per-source rate limit off for the run (every request comes from 127.0.0.1). Authority mode: every answer"
  echo "  signed with Ed25519 over its body (the health servlet stays unsigned)."
  if [ "$RUNS" -gt 1 ]; then
    echo "- $RUNS runs of each: /health and /peers take turns, run by run. The table shows the median of the $RUNS runs"
    echo "  (requests/s and p99 each on its own); every run is listed below it."
  fi
  echo "- Machine: $(nproc) CPUs (shared by wrk and the node), Linux $(uname -r), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)."
  echo
  echo "| mode | endpoint | requests/s | p99 (ms) | vs trivial | target |"
  echo "|---|---|---:|---:|---:|---|"
  echo "| trustless | trivial /health | $t_h_rps | $t_h_p99 | 1.00 | |"
  echo "| trustless | /peers?count=8 | $t_p_rps | $t_p_p99 | $(ratio "$t_p_rps" "$t_h_rps") | ≥ 20,000 req/s, p99 < 10 ms: $(verdict "$t_p_rps" 20000 "$t_p_p99") |"
  echo "| authority | trivial /health | $a_h_rps | $a_h_p99 | 1.00 | |"
  echo "| authority | /peers?count=8 (signed) | $a_p_rps | $a_p_p99 | $(ratio "$a_p_rps" "$a_h_rps") | ≥ 10,000 req/s, p99 < 10 ms: $(verdict "$a_p_rps" 10000 "$a_p_p99") |"
  if [ "$RUNS" -gt 1 ]; then
    echo
    echo "| run | trustless /health | trustless /peers | authority /health | authority /peers (signed) |"
    echo "|---:|---|---|---|---|"
    for i in $(seq 0 $((RUNS - 1))); do
      echo "| $((i + 1)) | ${H_RPS_trustless[$i]} req/s, p99 ${H_P99_trustless[$i]} ms | ${P_RPS_trustless[$i]} req/s, p99 ${P_P99_trustless[$i]} ms" \
        "| ${H_RPS_authority[$i]} req/s, p99 ${H_P99_authority[$i]} ms | ${P_RPS_authority[$i]} req/s, p99 ${P_P99_authority[$i]} ms |"
    done
  fi
  echo
  echo "<details><summary>wrk output</summary>"
  echo
  for k in "${LABELS[@]}"; do
    echo "\`$k\`"
    echo '```'
    printf '%s\n' "${RAW[$k]:-}"
    echo '```'
  done
  echo "</details>"
)
printf '%s\n' "$report"
printf '%s\n' "$report" >"$OUT"
say "written to $OUT"

if [ -n "$RESULTS_DIR" ]; then
  results_begin "$WORK/results.state" genesis-http "Genesis HTTP: GET /p2pnet/genesis/peers?count=8" "$COMMAND_LINE"
  results_setup "One genesis node (bootstrap-node distribution, Pax Web/Jetty on 127.0.0.1) with $REGISTERED registered nodes; per-source rate limit off for the run." \
    "wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}') on the same machine: 2 threads, $CONNECTIONS connections, ${DURATION} s per run, $RUNS run(s) of each endpoint in each mode after 5 s of warm-up of each; /health and /peers take turns run by run." \
    "Trivial servlet: GET /p2pnet/genesis/health, a constant 20-byte JSON body from the same node in the same run (the ceiling of Karaf's HTTP stack here)." \
    "Authority mode: every /peers answer signed with Ed25519 over its body (the health servlet stays unsigned); switched live through Config Admin." \
    "Machine: $(nproc) CPUs (shared by wrk and the node), Linux $(uname -r), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)."
  # figure SYSTEM RPS-ARRAY P99-ARRAY
  figure() {
    local -n rps=$2 p99=$3
    local v
    results_figure "requests/s" "$1" req/s true
    results_figure "latency p99 (ms)" "$1" ms false
    for v in "${rps[@]}"; do results_add "requests/s" "$1" "$v"; done
    for v in "${p99[@]}"; do results_add "latency p99 (ms)" "$1" "$v"; done
  }
  figure "genesis trustless (peers?count=8)" P_RPS_trustless P_P99_trustless
  figure "genesis authority (signed)" P_RPS_authority P_P99_authority
  figure "trivial servlet (health)" H_RPS_trustless H_P99_trustless
  figure "trivial servlet (health, authority mode)" H_RPS_authority H_P99_authority
  results_note "Targets: trustless ≥ 20,000 req/s and authority ≥ 10,000 req/s, each with p99 < 10 ms; wrk and the node share the $(nproc) cores."
  written=$(results_write "$RESULTS_DIR") || die "could not write the results JSON"
  say "results written to $written"
fi
