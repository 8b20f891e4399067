#!/usr/bin/env bash
# LAN discovery benchmark: how long from starting node 2 (node 1 already up) until the two hold an
# open channel, with the two nodes on two hosts of a private namespaced LAN (lan.sh, 10.213.77.0/24).
# Runs N times, prints the runs and their median and max as Markdown, and writes that, with the exact
# command that produced it, to benchmarks/lan-discovery.md (or --out).
#
#   itests/netns/discovery-bench.sh [--runs N] [--mode both|broadcast|multicast|connect] [--out FILE] [--tgz FILE]
#                                   [--results DIR]
#
#   --runs N     measured starts of node 2 (default 10; 1..50), after one warm-up start
#   --mode       both (default): LAN discovery by broadcast and multicast; broadcast / multicast: only that one
#                (etc/org.p2pnet.discovery.lan.cfg broadcastEnabled / multicastEnabled);
#                connect: no discovery (enabled=false), node 2 runs p2p:connect to node 1 once its console answers
#                (a baseline of the boot part, and a check of this script without discovery-lan)
#   --out FILE   where the Markdown goes (default <repo>/benchmarks/lan-discovery.md)
#   --tgz FILE   the node distribution (default karaf-assembly/target/p2pnet-node-*.tar.gz)
#   --results DIR  also write DIR/lan-discovery.json (org.p2pnet.bench.Results, each measured start a run;
#                lan-discovery-broadcast.json, -multicast.json, -connect.json with those modes)
#
# Measure: from launching node 2's bin/karaf to the openedAt (node 1's clock, same machine) of node 1's
# channel with node 2, read from p2p:channels --json; so the figure does not depend on how often the
# script polls. Needs root (network namespaces) and Java 17. Every wait is bounded; the namespaces,
# the nodes and the unpacked copies are removed on exit, whatever happens.
set -Eeuo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
LAN="$HERE/lan.sh"
# shellcheck source-path=SCRIPTDIR source=../../benchmarks/lib/results.sh
. "$ROOT/benchmarks/lib/results.sh"
PREFIX=${P2PNET_NS_PREFIX:-p2pnet}
SESSION_LOCK="/run/lock/$PREFIX-lan-session.lock" # the same lock as lan.sh hold-lock / LanNamespacesIT
NET=10.213.77
P2P_PORT=7700
SSH_PORT=8101
NETWORK=lan-bench
FIRST_BOOT_LIMIT=60 # s for a node's console to answer before it is taken for hung
BOOT_LIMIT=180      # s for it to answer after that one restart
HANGS=0             # boots taken for hung (reported)
RUN_LIMIT=120    # s for one run (start of node 2 -> channel)

RUNS=10
MODE=both
OUT="$ROOT/benchmarks/lan-discovery.md"
TGZ=""
RESULTS_DIR=""
COMMAND_LINE="itests/netns/discovery-bench.sh"
[ $# -eq 0 ] || COMMAND_LINE+=$(printf ' %q' "$@")

die() { echo "discovery-bench: $*" >&2; exit 1; }
say() { echo "==> $*" >&2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=${2:?--runs needs a number}; shift 2 ;;
    --mode) MODE=${2:?--mode needs a value}; shift 2 ;;
    --out) OUT=${2:?--out needs a file}; shift 2 ;;
    --tgz) TGZ=${2:?--tgz needs a file}; shift 2 ;;
    --results) RESULTS_DIR=${2:?--results needs a directory}; shift 2 ;;
    -h|--help) sed -n '2,23p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done
[[ "$RUNS" =~ ^[0-9]+$ ]] && [ "$RUNS" -ge 1 ] && [ "$RUNS" -le 50 ] || die "--runs must be 1..50"
case "$MODE" in
  both) BCAST=true; MCAST=true ;;
  broadcast) BCAST=true; MCAST=false ;;
  multicast) BCAST=false; MCAST=true ;;
  connect) BCAST=""; MCAST="" ;;
  *) die "--mode must be both, broadcast, multicast or connect" ;;
esac
[ -z "$RESULTS_DIR" ] || RESULTS_DIR=$(results_dir "$RESULTS_DIR") || die "--results needs a directory it can write to"
[ -n "$TGZ" ] || TGZ=$(ls "$ROOT"/karaf-assembly/target/p2pnet-node-*.tar.gz 2>/dev/null | head -1)
[ -n "$TGZ" ] && [ -f "$TGZ" ] || die "no node distribution (build it: ./mvnw -B install -DskipTests, or pass --tgz)"
TGZ=$(readlink -f "$TGZ")

# Java 17 for Karaf (the launcher's rule: 17..23)
if [ -z "${JAVA_HOME:-}" ]; then
  JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
fi
export JAVA_HOME

why=$("$LAN" check) || die "network namespaces unavailable: $why"
if [ "$MODE" != connect ] && [ "$(tar -tzf "$TGZ" | grep -ci discovery || true)" = 0 ]; then
  die "discovery-lan is not in the distribution $TGZ (no file named *discovery*); build bundles/discovery-lan and add feature p2pnet-discovery-lan, or run --mode connect"
fi

# one test run or benchmark owns the LAN at a time
mkdir -p "$(dirname "$SESSION_LOCK")"
exec 7>"$SESSION_LOCK"
flock -w 600 7 || die "another test run or benchmark held $SESSION_LOCK for 600 s"

WORK=$(mktemp -d /tmp/p2pnet-bench-XXXXXX)
declare -A PID=()

stop_node() { # I: SIGTERM, bounded wait, SIGKILL
  local i=$1 p=${PID[$1]:-}
  [ -n "$p" ] || return 0
  if kill -0 "$p" 2>/dev/null; then
    kill -TERM "$p" 2>/dev/null || true
    for _ in $(seq 1 600); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done # at most 60 s
    kill -0 "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null || true
  fi
  wait "$p" 2>/dev/null || true
  PID[$i]=""
}

# keep_logs: copy the nodes' logs (and thread dumps) out of the work directory before it goes
keep_logs() {
  local dir i h
  dir=$(mktemp -d /tmp/p2pnet-bench-logs-XXXXXX)
  for i in 1 2; do
    h=$(home "$i")
    [ -d "$h" ] || continue
    mkdir -p "$dir/node$i"
    cp -r "$h/data/log" "$dir/node$i/" 2>/dev/null || true
    cp "$h/console.log" "$h"/threads-*.txt "$h"/etc/org.p2pnet*.cfg "$dir/node$i/" 2>/dev/null || true
  done
  echo "discovery-bench: logs kept in $dir" >&2
}

dump_threads() { # I: jcmd Thread.print of node I's JVM into its home (bounded)
  local out; out="$(home "$1")/threads-$(date +%s).txt"
  timeout 30 "$JAVA_HOME/bin/jcmd" "${PID[$1]}" Thread.print >"$out" 2>&1 || true
  echo "$out"
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM ERR
  stop_node 2 || true
  stop_node 1 || true
  [ "$rc" = 0 ] && [ -z "${P2PNET_BENCH_KEEP_LOGS:-}" ] || keep_logs
  "$LAN" down 7>&- >/dev/null 2>&1 || echo "discovery-bench: lan.sh down failed" >&2
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

home() { echo "$WORK/node$1"; }

set_cfg() { # FILE KEY VALUE
  local file=$1 key=$2 value=$3
  touch "$file"
  sed -i -E "/^[[:space:]]*${key}[[:space:]]*=/d" "$file"
  printf '%s = %s\n' "$key" "$value" >>"$file"
}

make_node() { # I
  local h; h=$(home "$1")
  mkdir -p "$h"
  tar -xzf "$TGZ" -C "$h" --strip-components=1
  set_cfg "$h/etc/org.p2pnet.core.cfg" port "$P2P_PORT"
  set_cfg "$h/etc/org.p2pnet.core.cfg" networkName "$NETWORK"
  set_cfg "$h/etc/org.apache.karaf.shell.cfg" sshPort "$SSH_PORT"
  set_cfg "$h/etc/org.apache.karaf.shell.cfg" sshHost 127.0.0.1
  if [ "$MODE" != connect ]; then
    set_cfg "$h/etc/org.p2pnet.discovery.lan.cfg" enabled true
    set_cfg "$h/etc/org.p2pnet.discovery.lan.cfg" broadcastEnabled "$BCAST"
    set_cfg "$h/etc/org.p2pnet.discovery.lan.cfg" multicastEnabled "$MCAST"
  else
    # the baseline: discovery (where the distribution has it) stays idle
    set_cfg "$h/etc/org.p2pnet.discovery.lan.cfg" enabled false
  fi
}

start_node() { # I: in namespace I; ip netns exec, env and bin/karaf (KARAF_EXEC=exec) all exec, so $! is Karaf's JVM
  local h; h=$(home "$1")
  (cd "$h" && exec ip netns exec "$PREFIX-ns$1" env JAVA_HOME="$JAVA_HOME" KARAF_EXEC=exec \
    "$h/bin/karaf" server >"$h/console.log" 2>&1 </dev/null 7>&-) &
  PID[$1]=$!
}

client() { # I COMMAND: one shell command through node I's console (bounded)
  local h; h=$(home "$1")
  printf '%s\n' "$2" | timeout 60 ip netns exec "$PREFIX-ns$1" env JAVA_HOME="$JAVA_HOME" \
    "$h/bin/client" -h 127.0.0.1 -a "$SSH_PORT" -u karaf -p karaf -r 2 -d 1 -b 7>&- 2>&1
}

console_answers() { # I (output captured first: grep -q must not cut the client's pipe)
  local out
  out=$(client "$1" p2p:status 2>/dev/null) || true
  grep -q '^Listening' <<<"$out"
}

wait_console() { # I SECONDS: 0 once node I's console answers, 1 after SECONDS
  local i=$1 deadline=$((SECONDS + $2))
  while [ "$SECONDS" -lt "$deadline" ]; do
    kill -0 "${PID[$i]}" 2>/dev/null || die "node $i exited; see its karaf.log"
    console_answers "$i" && return 0
    sleep 0.5
  done
  return 1
}

# boot_node I: start node I and wait for its console; a node that hangs at boot (a healthy one answers
# in 5-15 s) gets a thread dump and one restart
boot_node() {
  start_node "$1"
  wait_console "$1" "$FIRST_BOOT_LIMIT" && return 0
  say "NOTE: node $1 did not answer within $FIRST_BOOT_LIMIT s; thread dump $(dump_threads "$1"); restarting it once"
  HANGS=$((HANGS + 1))
  kill -KILL "${PID[$1]}" 2>/dev/null || true # a hung Karaf does not stop in order
  stop_node "$1"
  start_node "$1"
  wait_console "$1" "$BOOT_LIMIT" || die "node $1's console did not answer within $BOOT_LIMIT s after a restart"
}

peer_id() {
  local out
  out=$(client "$1" 'p2p:identity --json') || die "p2p:identity on node $1 failed: $out"
  tr -d '\n' <<<"$out" | sed -n 's/.*"peerId" *: *"\([0-9a-f]\{64\}\)".*/\1/p'
}

now_ms() { date +%s%3N; }

# opened_ms I PEER: node I's channel with PEER, as openedAt in epoch ms; empty when there is none
opened_ms() {
  local json at
  json=$(client "$1" 'p2p:channels --json' 2>/dev/null | tr -d '\n' | sed 's/}/}\n/g') || true
  at=$(grep -F "\"$2\"" <<<"$json" | sed -n 's/.*"openedAt" *: *"\([^"]*\)".*/\1/p' | head -1 || true)
  [ -n "$at" ] || return 0
  date -u -d "$at" +%s%3N
}

# log_ms I SINCE_MS PATTERN: the time of the first line of node I's karaf.log matching PATTERN (grep -E)
# at or after SINCE_MS, in epoch ms (the log's local-time stamps, the same clock); empty if none
log_ms() {
  local ts ms
  while IFS= read -r ts; do
    ms=$(date -d "${ts/,/.}" +%s%3N 2>/dev/null) || continue
    if [ "$ms" -ge "$2" ]; then echo "$ms"; return 0; fi
  done < <(grep -aE "$3" "$(home "$1")/data/log/karaf.log" 2>/dev/null | cut -d' ' -f1 || true)
}

# one start of node 2; sets CHANNEL_MS (start -> channel), LISTEN_MS (start -> node 2 listening) and
# DISCOVERY_MS (start -> node 2's LAN discovery started; NA in connect mode);
# no subshell, so that the node's pid stays known to cleanup; returns 1 when no channel opened within RUN_LIMIT
measure() {
  local t0 console="" opened="" listening discovery deadline attempts=0
  # node 1 must have forgotten the previous channel with node 2 (bounded)
  for _ in $(seq 1 60); do [ -z "$(opened_ms 1 "$ID2")" ] && break; sleep 0.5; done
  t0=$(now_ms)
  start_node 2
  deadline=$((SECONDS + RUN_LIMIT))
  while [ "$SECONDS" -lt "$deadline" ] && [ "$attempts" -lt 1000 ]; do
    attempts=$((attempts + 1))
    kill -0 "${PID[2]}" 2>/dev/null || die "node 2 exited; see $(home 2)/data/log/karaf.log"
    # connect mode: the channel comes from node 2 dialling as soon as its console answers
    if [ "$MODE" = connect ] && [ -z "$console" ] && console_answers 2; then
      console=yes
      client 2 "p2p:connect --timeout 10 $NET.11:$P2P_PORT" >/dev/null || true
    fi
    opened=$(opened_ms 1 "$ID2")
    if [ -n "$opened" ] && [ "$opened" -ge "$t0" ]; then break; fi
    opened=""
    sleep 0.2
  done
  if [ -z "$opened" ]; then
    say "no channel between node 1 and node 2 within $RUN_LIMIT s of starting node 2; thread dump $(dump_threads 2)"
    stop_node 2
    return 1
  fi
  listening=$(log_ms 2 "$t0" 'Channel transport .* listens on')
  discovery=$(log_ms 2 "$t0" 'LAN discovery started')
  stop_node 2
  CHANNEL_MS=$(( opened - t0 ))
  if [ -n "$listening" ]; then LISTEN_MS=$(( listening - t0 )); else LISTEN_MS=NA; fi
  if [ -n "$discovery" ]; then DISCOVERY_MS=$(( discovery - t0 )); else DISCOVERY_MS=NA; fi
}

# median and max of numbers on stdin (one a line)
stats() { sort -n | awk '{v[NR]=$1} END {if (NR==0) {print "NA NA"; exit} m=(NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2; printf "%d %d\n", m, v[NR]}'; }

say "LAN: 2 hosts ($("$LAN" up 2 7>&- | tail -1))"
say "unpacking two nodes into $WORK (mode $MODE)"
make_node 1
make_node 2
say "starting node 1 in $PREFIX-ns1 ($NET.11)"
boot_node 1
ID1=$(peer_id 1)
say "warm-up start of node 2 in $PREFIX-ns2 ($NET.12): its first boot resolves the features"
boot_node 2
ID2=$(peer_id 2)
[ -n "$ID1" ] && [ -n "$ID2" ] || die "could not read the peer ids"
stop_node 2
say "node 1 is ${ID1:0:12}, node 2 is ${ID2:0:12}; $RUNS measured starts of node 2"

results=()
REPEATED=0
for r in $(seq 1 "$RUNS"); do
  if ! measure; then
    # one repeat per run (a rare hung boot); counted in the report; a second failure ends the benchmark
    REPEATED=$((REPEATED + 1))
    say "repeating run $r once"
    measure || die "run $r: no channel within $RUN_LIMIT s, twice (mode $MODE)"
  fi
  if [ "$LISTEN_MS" = NA ]; then AFTER_MS=NA; else AFTER_MS=$(( CHANNEL_MS - LISTEN_MS )); fi
  if [ "$DISCOVERY_MS" = NA ]; then FOUND_MS=NA; else FOUND_MS=$(( CHANNEL_MS - DISCOVERY_MS )); fi
  results+=("$CHANNEL_MS $LISTEN_MS $AFTER_MS $FOUND_MS")
  say "run $r: start -> channel $CHANNEL_MS ms (node 2 listening at $LISTEN_MS ms, channel $AFTER_MS ms after;"\
" discovery started at $DISCOVERY_MS ms, channel $FOUND_MS ms after)"
done

read -r ch_med ch_max < <(printf '%s\n' "${results[@]}" | awk '{print $1}' | stats)
read -r li_med li_max < <(printf '%s\n' "${results[@]}" | awk '$2 != "NA" {print $2}' | stats)
read -r af_med af_max < <(printf '%s\n' "${results[@]}" | awk '$3 != "NA" {print $3}' | stats)
read -r fo_med fo_max < <(printf '%s\n' "${results[@]}" | awk '$4 != "NA" {print $4}' | stats)

case "$MODE" in
  both) mode_text="LAN discovery, broadcast and multicast (broadcastEnabled=true, multicastEnabled=true)" ;;
  broadcast) mode_text="LAN discovery, broadcast only (broadcastEnabled=true, multicastEnabled=false)" ;;
  multicast) mode_text="LAN discovery, multicast only (broadcastEnabled=false, multicastEnabled=true)" ;;
  connect) mode_text="no discovery (enabled=false): node 2 runs p2p:connect $NET.11:$P2P_PORT once its console answers (baseline)" ;;
esac

report=$(
  echo "# LAN discovery: start of node 2 to an open channel"
  echo
  echo "Produced by \`cd $ROOT && $COMMAND_LINE\` on $(date -u +%Y-%m-%dT%H:%M:%SZ)."
  echo
  echo "- Mode: $mode_text."
  echo "- Hosts: two network namespaces ($PREFIX-ns1 = $NET.11, $PREFIX-ns2 = $NET.12) on a bridge in $PREFIX-br"
  echo "  (itests/netns/lan.sh; the subnet exists only inside the namespaces). Node 1 runs throughout;"
  echo "  node 2 is started $RUNS times after one warm-up start (so its feature cache is warm), stopped after each run."
  echo "- Measured: from launching node 2's \`bin/karaf server\` to the \`openedAt\` of node 1's channel with node 2"
  echo "  (\`p2p:channels --json\`), so polling does not add to it. \"Listening\": when node 2's TCP transport started"
  echo "  listening (its karaf.log line \"Channel transport ... listens on ...\"); \"listening → channel\" is the part"
  echo "  discovery (or the connect) adds after node 2's boot. \"Discovery started → channel\": from node 2's karaf.log line"
  echo "  \"LAN discovery started\" (its first announcement goes out then) to the channel: what discovery itself takes."
  echo "  Same machine, same clock; NA where the line was not found."
  echo "- Runs repeated because node 2 opened no channel within $RUN_LIMIT s: $REPEATED; boots taken for hung and restarted: $HANGS."
  echo "- Machine: $(nproc) CPUs, Linux $(uname -r), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1);"
  echo "  distribution $(basename "$TGZ") (sha256 $(sha256sum "$TGZ" | cut -c1-12))."
  echo
  echo "| run | start → channel (ms) | start → node 2 listening (ms) | listening → channel (ms) | discovery started → channel (ms) |"
  echo "|---:|---:|---:|---:|---:|"
  i=0
  for line in "${results[@]}"; do
    i=$((i + 1))
    # shellcheck disable=SC2086
    set -- $line
    echo "| $i | $1 | $2 | $3 | $4 |"
  done
  echo
  echo "| $RUNS runs | start → channel (ms) | start → node 2 listening (ms) | listening → channel (ms) | discovery started → channel (ms) |"
  echo "|---|---:|---:|---:|---:|"
  echo "| median | $ch_med | $li_med | $af_med | $fo_med |"
  echo "| max | $ch_max | $li_max | $af_max | $fo_max |"
)
printf '%s\n' "$report"
mkdir -p "$(dirname "$OUT")"
printf '%s\n' "$report" >"$OUT"
say "written to $OUT"

if [ -n "$RESULTS_DIR" ]; then
  case "$MODE" in
    both) name=lan-discovery; system="p2pnet LAN discovery (broadcast+multicast)" ;;
    broadcast) name=lan-discovery-broadcast; system="p2pnet LAN discovery (broadcast only)" ;;
    multicast) name=lan-discovery-multicast; system="p2pnet LAN discovery (multicast only)" ;;
    connect) name=lan-discovery-connect; system="p2pnet p2p:connect, no discovery (baseline)" ;;
  esac
  results_begin "$WORK/results.state" "$name" "LAN discovery: start of node 2 to an open channel" "$COMMAND_LINE"
  results_setup "Mode: $mode_text." \
    "Hosts: two network namespaces ($NET.11, $NET.12) on a bridge (itests/netns/lan.sh). Node 1 runs throughout; node 2 is started $RUNS times after one warm-up start, stopped after each; each measured start is a run." \
    "Channel: the openedAt of node 1's channel with node 2 (p2p:channels --json), so polling does not add to it. Listening: node 2's karaf.log line 'Channel transport ... listens on'; discovery started: its line 'LAN discovery started' (first announcement). Same machine, same clock." \
    "Machine: $(nproc) CPUs, Linux $(uname -r), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1); distribution $(basename "$TGZ")."
  # results lines: "start->channel start->listening listening->channel discovery->channel" (NA: line not found)
  for q in "p2pnet listening → channel (ms)" "discovery started → channel (ms)" "process start → channel (ms)" \
           "process start → p2pnet listening (ms)"; do
    results_figure "$q" "$system" ms false
  done
  for line in "${results[@]}"; do
    # shellcheck disable=SC2086
    set -- $line
    [ "$3" = NA ] || results_add "p2pnet listening → channel (ms)" "$system" "$3"
    [ "$4" = NA ] || results_add "discovery started → channel (ms)" "$system" "$4"
    results_add "process start → channel (ms)" "$system" "$1"
    [ "$2" = NA ] || results_add "process start → p2pnet listening (ms)" "$system" "$2"
  done
  [ "$REPEATED" = 0 ] || results_note "Runs repeated because node 2 opened no channel within $RUN_LIMIT s: $REPEATED."
  [ "$HANGS" = 0 ] || results_note "Boots taken for hung and restarted: $HANGS."
  results_note "Target: p2pnet listening → channel, median < 500 ms. Process start → channel includes the JVM and Karaf booting the distribution before any p2pnet code runs (process start → p2pnet listening)."
  written=$(results_write "$RESULTS_DIR") || die "could not write the results JSON"
  say "results written to $written"
fi
