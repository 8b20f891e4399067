#!/usr/bin/env bash
# p2pnet soak: a genesis node and N nodes on loopback under a bounded workload (messages, broadcasts,
# files, churn) for M minutes, sampled for heap-after-GC, threads and fds. See itests/soak/README.md.
# Not part of the Maven build. Run it alone on the machine (other builds skew the figures):
#   flock -w 3600 /tmp/p2pnet-heavy.lock itests/soak/soak.sh --minutes 30 --nodes 20
set -uo pipefail
# the whole script is one compound command: bash parses it all before running, so an edit of this
# file during a run cannot change the running script
{

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

MINUTES=30
NODES=20
OUT=""
MAX_HEAP_MIB=256
# workload periods (seconds); each step is one bin/client call or a few, run one after the other
MSG_EVERY=5
BC_EVERY=10
FILE_EVERY=30
CHURN_EVERY=120
RESTART_AFTER=30
# a node incarnation counts as a broadcast receiver once ready this long; its messages are read this long after a send
SETTLE_S=20
GRACE_S=15
BOOT_S=240
SEED=${SOAK_SEED:-$$}

usage() {
  cat <<'EOF'
Usage: itests/soak/soak.sh [--minutes N] [--nodes N] [--out DIR] [--help]

Starts a genesis node and N nodes (default 20) on 127.0.0.1 (LAN discovery off, joined through the
genesis node), then for N minutes (default 30) runs a bounded workload: a message between a random
pair every 5 s, a broadcast from a random node every 10 s, a random 1-4 MiB file between a random pair
every 30 s (SHA-256 checked at the receiver), and churn: every 2 minutes one random node is killed
with SIGKILL and started again 30 s later from its own data directory. Every node JVM is sampled
every 60 s (every minutes*5 s, at least 20 s, for runs under 12 minutes): heap used after a full GC,
threads, open fds. Writes DIR/samples.csv and the other CSV files, and DIR/summary.md with the
verdicts; exits 0 only if every verdict is PASS.

  --minutes N   workload duration (default 30)
  --nodes N     nodes besides the genesis node (default 20, at least 2)
  --out DIR     where nodes, CSV files and summary.md go (default itests/soak/target/<timestamp>)
  --help        this text

Needs the distributions (build them with: ./mvnw -B install -DskipTests), Java 17 with jcmd/javac,
jq and sha256sum. Run it under the shared lock: flock -w 3600 /tmp/p2pnet-heavy.lock itests/soak/soak.sh
Environment: SOAK_SEED (random seed), SOAK_KEEP_NODES=1 (keep the node directories).
EOF
}

die() { echo "soak: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) MINUTES=${2:?--minutes needs a number}; shift 2 ;;
    --nodes) NODES=${2:?--nodes needs a number}; shift 2 ;;
    --out) OUT=${2:?--out needs a directory}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option '$1'" ;;
  esac
done
[[ "$MINUTES" =~ ^[0-9]+$ ]] && [ "$MINUTES" -ge 1 ] && [ "$MINUTES" -le 1440 ] || die "--minutes must be 1-1440, got '$MINUTES'"
[[ "$NODES" =~ ^[0-9]+$ ]] && [ "$NODES" -ge 2 ] && [ "$NODES" -le 60 ] || die "--nodes must be 2-60, got '$NODES'"
[ -n "$OUT" ] || OUT="$HERE/target/$(date +%Y%m%d-%H%M%S)"
SAMPLE_EVERY=60
if [ "$MINUTES" -lt 12 ]; then SAMPLE_EVERY=$((MINUTES * 5)); [ "$SAMPLE_EVERY" -ge 20 ] || SAMPLE_EVERY=20; fi

# ---- prerequisites ------------------------------------------------------------------------------
find_tgz() { # find_tgz MODULE_DIR ARTIFACT
  local f
  f=$(ls "$ROOT/$1"/target/"$2"-*.tar.gz 2>/dev/null | head -1)
  [ -n "$f" ] || f=$(ls "$HOME"/.m2/repository/org/p2pnet/"$2"/*/"$2"-*.tar.gz 2>/dev/null | head -1)
  echo "$f"
}
NODE_TGZ=$(find_tgz karaf-assembly p2pnet-node)
GENESIS_TGZ=$(find_tgz bootstrap-node p2pnet-bootstrap-node)
[ -n "$NODE_TGZ" ] || die "no node distribution (karaf-assembly/target/p2pnet-node-*.tar.gz or in ~/.m2); build it with: ./mvnw -B install -DskipTests"
[ -n "$GENESIS_TGZ" ] || die "no bootstrap-node distribution (bootstrap-node/target/p2pnet-bootstrap-node-*.tar.gz or in ~/.m2); build it with: ./mvnw -B install -DskipTests"
if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/javac" ]; then
  JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v javac || echo /nonexistent)")")")"
fi
[ -x "$JAVA_HOME/bin/javac" ] || die "no JDK (javac) found; set JAVA_HOME to a Java 17 JDK"
JV=$("$JAVA_HOME/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
[ -n "$JV" ] && [ "$JV" -ge 17 ] && [ "$JV" -le 23 ] || die "Java $JV at $JAVA_HOME: Karaf 4.4 needs Java 17-23"
export JAVA_HOME
for tool in jq sha256sum timeout; do command -v $tool >/dev/null || die "$tool is missing (apt-get install -y $tool)"; done

mkdir -p "$OUT" || die "cannot create $OUT"
OUT="$(cd "$OUT" && pwd)"
[ -z "$(ls -A "$OUT")" ] || die "$OUT is not empty"
mkdir -p "$OUT/nodes" "$OUT/received" "$OUT/files" "$OUT/classes"
LOG="$OUT/soak.log"
RANDOM=$((SEED % 32768))

now_ms() { local t=${EPOCHREALTIME/[.,]/}; echo $((10#$t / 1000)); }
log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" | tee -a "$LOG"; }

"$JAVA_HOME/bin/javac" --add-exports jdk.attach/sun.tools.attach=ALL-UNNAMED -d "$OUT/classes" "$HERE/SoakTool.java" ||
  die "cannot compile $HERE/SoakTool.java"
tool() { "$JAVA_HOME/bin/java" --add-exports jdk.attach/sun.tools.attach=ALL-UNNAMED -cp "$OUT/classes" SoakTool "$@"; }

# ---- nodes --------------------------------------------------------------------------------------
# index 0 is the genesis node ("g"), 1..NODES the nodes ("n1".."nN")
TOTAL=$((NODES + 1))
NAME=() DIR=() P2P=() SSH=() PID=() INC=() START=() READY=() ID=() DOWN_AT=() RETRIED=()
for ((i = 0; i < TOTAL; i++)); do
  if [ $i -eq 0 ]; then NAME[$i]=g; else NAME[$i]=n$i; fi
  DIR[$i]="$OUT/nodes/${NAME[$i]}"
  PID[$i]=0 INC[$i]=0 START[$i]=0 READY[$i]=0 ID[$i]="" DOWN_AT[$i]=0 RETRIED[$i]=0
done

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
NEXT_PORT=$((20000 + SEED % 20000))
take_port() { # sets PORT to a free port on 127.0.0.1 (at most 2000 tried)
  local p=$NEXT_PORT end=$((NEXT_PORT + 2000))
  while [ $p -lt $end ] && ! port_free $p; do p=$((p + 1)); done
  [ $p -lt $end ] || die "no free port from $NEXT_PORT on"
  PORT=$p NEXT_PORT=$((p + 1))
}

set_cfg() { # set_cfg FILE KEY VALUE
  local file=$1 key=$2 value=$3
  touch "$file"
  sed -i -E "/^[[:space:]]*${key//./\\.}[[:space:]]*=/d" "$file"
  printf '%s = %s\n' "$key" "$value" >>"$file"
}

# client SECONDS NODE: runs the commands on stdin through the node's console (batch), bounded
client() {
  local limit=$1 i=$2
  timeout -k 5 "$limit" "${DIR[$i]}/bin/client" -h 127.0.0.1 -a "${SSH[$i]}" -u karaf -p karaf -r 3 -d 1 -b 2>&1
}
cmd() { printf '%s\n' "$3" | client "$1" "$2"; } # cmd SECONDS NODE COMMAND
# json_part OPEN CLOSE: the JSON in a command's output, from the first OPEN to the last CLOSE (as NodeViews.json)
json_part() {
  local s
  s=$(cat)
  [[ "$s" == *"$1"*"$2"* ]] || return 1
  s="$1${s#*"$1"}"
  printf '%s\n' "${s%"$2"*}$2"
}

# start_node NODE: a new incarnation (bin/karaf execs java: the pid is the JVM's)
start_node() {
  local i=$1
  (
    cd "${DIR[$i]}" || exit 1
    unset KARAF_HOME KARAF_BASE KARAF_DATA KARAF_ETC
    export JAVA_MIN_MEM=64M JAVA_MAX_MEM=${MAX_HEAP_MIB}M KARAF_EXEC=exec
    exec "${DIR[$i]}/bin/karaf" server
  ) </dev/null >>"${DIR[$i]}/console.log" 2>&1 &
  PID[$i]=$!
  INC[$i]=$((INC[i] + 1))
  START[$i]=$(now_ms)
  READY[$i]=0
  log "started ${NAME[$i]}#${INC[$i]} (pid ${PID[$i]})"
}

alive() { [ "${PID[$1]}" -gt 0 ] && kill -0 "${PID[$1]}" 2>/dev/null; }

# end_incarnation NODE REASON: records the incarnation's line (killed / died / stopped)
end_incarnation() {
  local i=$1 reason=$2
  echo "${NAME[$i]},${INC[$i]},${PID[$i]},${START[$i]},${READY[$i]},$(now_ms),$reason" >>"$OUT/incarnations.csv"
  PID[$i]=0 READY[$i]=0
}

# check_ready NODE: marks the node ready when it listens, its console answers and trust is in force
check_ready() {
  local i=$1 out
  port_free "${P2P[$i]}" && return 1
  out=$(cmd 30 "$i" "p2p:status") || return 1
  grep -q '^Listening' <<<"$out" && ! grep -qE 'fail(ing)? closed' <<<"$out" || return 1
  READY[$i]=$(now_ms)
  log "${NAME[$i]}#${INC[$i]} ready after $(((READY[i] - START[i]) / 1000)) s"
}

CLEANED=0
cleanup() {
  [ $CLEANED -eq 0 ] && [ -n "${TOTAL:-}" ] || return 0
  CLEANED=1
  trap '' INT TERM
  local i tries any
  for ((i = 0; i < TOTAL; i++)); do
    if alive $i; then kill -TERM "${PID[$i]}" 2>/dev/null; fi
  done
  for tries in $(seq 1 60); do
    any=0
    for ((i = 0; i < TOTAL; i++)); do alive $i && any=1; done
    [ $any -eq 1 ] || break
    sleep 0.5
  done
  for ((i = 0; i < TOTAL; i++)); do
    if alive $i; then log "${NAME[$i]} did not stop within 30 s: SIGKILL"; kill -KILL "${PID[$i]}" 2>/dev/null; fi
    [ "${PID[$i]}" -gt 0 ] && wait "${PID[$i]}" 2>/dev/null
  done
  # any helper job still running (a client, the sampler)
  local j
  for j in $(jobs -p); do kill -KILL "$j" 2>/dev/null; done
  rm -rf "$OUT/files"
  if [ "${SOAK_KEEP_NODES:-0}" != 1 ] && [ -d "$OUT/nodes" ]; then
    # keep each node's logs, drop the rest (hundreds of MB for 20 nodes)
    for ((i = 0; i < TOTAL; i++)); do
      mkdir -p "$OUT/logs/${NAME[$i]}"
      cp "${DIR[$i]}/console.log" "${DIR[$i]}"/data/log/karaf.log* "$OUT/logs/${NAME[$i]}/" 2>/dev/null
    done
    rm -rf "$OUT/nodes"
  fi
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM HUP

# ---- unpack and configure -----------------------------------------------------------------------
log "soak: $NODES nodes + genesis, $MINUTES min, sample every $SAMPLE_EVERY s, seed $SEED, out $OUT"
log "node distribution $NODE_TGZ; genesis $GENESIS_TGZ"
NETWORK="soak-$SEED"
take_port; HTTP=$PORT
URL="http://127.0.0.1:$HTTP/p2pnet/genesis"
for ((i = 0; i < TOTAL; i++)); do
  take_port; P2P[$i]=$PORT
  take_port; SSH[$i]=$PORT
  mkdir -p "${DIR[$i]}"
  if [ $i -eq 0 ]; then tgz=$GENESIS_TGZ; else tgz=$NODE_TGZ; fi
  tar -xzf "$tgz" -C "${DIR[$i]}" --strip-components=1 || die "cannot unpack $tgz"
  d=${DIR[$i]}
  set_cfg "$d/etc/org.p2pnet.core.cfg" port "${P2P[$i]}"
  set_cfg "$d/etc/org.p2pnet.core.cfg" networkName "$NETWORK"
  set_cfg "$d/etc/org.p2pnet.core.cfg" bindAddress 127.0.0.1
  # all on 127.0.0.1: the per-IP limit is meant for the real world (as ChurnIT)
  set_cfg "$d/etc/org.p2pnet.core.cfg" maxChannelsPerIp 64
  set_cfg "$d/etc/org.apache.karaf.shell.cfg" sshPort "${SSH[$i]}"
  set_cfg "$d/etc/org.apache.karaf.shell.cfg" sshHost 127.0.0.1
  set_cfg "$d/etc/org.p2pnet.discovery.lan.cfg" enabled false
  set_cfg "$d/etc/org.p2pnet.discovery.lan.cfg" interfaces lo
  # saved often, so that a kill finds a recent address book (as ChurnIT)
  set_cfg "$d/etc/org.p2pnet.routines.cfg" AddressBookSave.interval 5s
  if [ $i -eq 0 ]; then
    set_cfg "$d/etc/org.ops4j.pax.web.cfg" org.osgi.service.http.port "$HTTP"
    set_cfg "$d/etc/org.ops4j.pax.web.cfg" org.ops4j.pax.web.listening.addresses 127.0.0.1
    set_cfg "$d/etc/org.p2pnet.genesis.cfg" mode trustless
  else
    set_cfg "$d/etc/org.p2pnet.discovery.genesis.cfg" urls "$URL"
    set_cfg "$d/etc/org.p2pnet.discovery.genesis.cfg" retryMaxSeconds 5
  fi
done
echo "node,inc,pid,start_ms,ready_ms,end_ms,end" >"$OUT/incarnations.csv"
echo "elapsed_s,epoch_ms,node,inc,pid,heap_used_kib,heap_committed_kib,threads,fds" >"$OUT/samples.csv"
echo "title,sender,sender_inc,sent_ms,result" >"$OUT/broadcasts.csv"
echo "text,from,to,to_inc,sent_ms,result" >"$OUT/messages.csv"
echo "name,from,to,bytes,sha256,result,seconds" >"$OUT/files.csv"
echo "node,inc,poll_ms" >"$OUT/polls.csv"
{
  echo "key,value"
  echo "nodes,$NODES (+ genesis)"; echo "minutes,$MINUTES"; echo "seed,$SEED"; echo "max_heap_mib,$MAX_HEAP_MIB"
  echo "sample_every_s,$SAMPLE_EVERY"; echo "grace_ms,$((GRACE_S * 1000))"; echo "settle_ms,$((SETTLE_S * 1000))"
  echo "node_tgz,$NODE_TGZ"; echo "started,$(date -u +%Y-%m-%dT%H:%M:%SZ)"; echo "host,$(nproc) cpus $(free -g | awk '/Mem:/{print $2}') GiB"
} >"$OUT/run.csv"

# ---- boot: in batches of 4 (21 JVMs booting at once on 2 cores hang Karaf's boot refresh more often)
boot_wait() { # boot_wait SECONDS NODE...: waits until each is ready; one not ready is killed and started once more
  local limit=$1 deadline i pending again=()
  shift
  pending=("$@")
  deadline=$((SECONDS + limit))
  while [ ${#pending[@]} -gt 0 ] && [ $SECONDS -lt $deadline ]; do
    local still=()
    for i in "${pending[@]}"; do
      if ! alive $i; then log "${NAME[$i]} exited during boot (see ${DIR[$i]}/console.log)"; die "boot failed"; fi
      check_ready $i || still+=($i)
    done
    pending=(${still[@]+"${still[@]}"})
    [ ${#pending[@]} -eq 0 ] || sleep 2
  done
  for i in ${pending[@]+"${pending[@]}"}; do
    log "${NAME[$i]} not ready within $limit s: thread dump to ${DIR[$i]}/threads-boot.txt, killed, started once more"
    timeout 30 "$JAVA_HOME/bin/jcmd" "${PID[$i]}" Thread.print >"${DIR[$i]}/threads-boot.txt" 2>&1
    kill -KILL "${PID[$i]}" 2>/dev/null; wait "${PID[$i]}" 2>/dev/null
    end_incarnation $i "boot-hang"
    start_node $i
    again+=($i)
  done
  if [ ${#again[@]} -gt 0 ]; then
    deadline=$((SECONDS + 2 * limit))
    pending=("${again[@]}")
    while [ ${#pending[@]} -gt 0 ] && [ $SECONDS -lt $deadline ]; do
      local still=()
      for i in "${pending[@]}"; do check_ready $i || still+=($i); done
      pending=(${still[@]+"${still[@]}"})
      [ ${#pending[@]} -eq 0 ] || sleep 2
    done
    [ ${#pending[@]} -eq 0 ] || die "nodes not ready after a restart: ${pending[*]}"
  fi
}
BOOT_BEGIN=$SECONDS
start_node 0
boot_wait $BOOT_S 0
for ((b = 1; b < TOTAL; b += 4)); do
  batch=()
  for ((i = b; i < b + 4 && i < TOTAL; i++)); do start_node $i; batch+=($i); done
  boot_wait $BOOT_S "${batch[@]}"
done
for ((i = 0; i < TOTAL; i++)); do
  ID[$i]=$(cmd 30 $i "p2p:identity --json" | json_part '{' '}' | jq -r '.peerId // empty' 2>/dev/null)
  [ -n "${ID[$i]}" ] || die "cannot read ${NAME[$i]}'s peer id"
  log "${NAME[$i]} is ${ID[$i]} (p2p 127.0.0.1:${P2P[$i]}, ssh ${SSH[$i]}, pid ${PID[$i]})"
done
log "all $TOTAL nodes ready in $((SECONDS - BOOT_BEGIN)) s"

# channels NODE: the node's open channels as JSON (empty array when the console does not answer)
channels() { cmd 30 "$1" "p2p:channels --json" | json_part '[' ']' | jq -c '.' 2>/dev/null || echo '[]'; }

# the overlay: every node holds min(3, NODES) channels (bounded: 240 s), or the workload starts anyway
want=3; [ $NODES -gt 3 ] || want=$NODES
deadline=$((SECONDS + 240))
while [ $SECONDS -lt $deadline ]; do
  short=""
  for ((i = 1; i < TOTAL; i++)); do
    n=$(channels $i | jq '[.[].peerId] | unique | length')
    [ "${n:-0}" -ge $want ] || short+=" ${NAME[$i]}($n)"
  done
  [ -n "$short" ] || break
  log "overlay forming; below $want channels:$short"
  sleep 5
done
[ -z "$short" ] && log "overlay formed: every node holds at least $want channels" ||
  log "WARNING: overlay incomplete after 240 s:$short (workload starts anyway)"

# ---- workload -----------------------------------------------------------------------------------
pick_live() { # sets PICK to a random ready node among 1..NODES other than $1 (empty if none)
  local not=${1:-x} c=() i
  for ((i = 1; i < TOTAL; i++)); do
    [ "$i" != "$not" ] && [ "${READY[$i]}" -gt 0 ] && alive $i && c+=($i)
  done
  PICK=""
  [ ${#c[@]} -eq 0 ] || PICK=${c[$((RANDOM % ${#c[@]}))]}
}

MSG_SEQ=0 BC_SEQ=0 FILE_SEQ=0
do_message() {
  pick_live; local a=$PICK; [ -n "$a" ] || return
  pick_live "$a"; local b=$PICK; [ -n "$b" ] || return
  MSG_SEQ=$((MSG_SEQ + 1))
  local text="soak-msg-$SEED-$MSG_SEQ-${NAME[$a]}-to-${NAME[$b]}" out result=failed sent
  sent=$(now_ms)
  out=$(printf 'p2p:connect 127.0.0.1:%s\np2p:send %s %s\n' "${P2P[$b]}" "${ID[$b]}" "$text" | client 45 "$a")
  grep -q '^sent message' <<<"$out" && result=ok
  [ $result = ok ] || log "message $text not sent: $(tr '\n' ' ' <<<"$out" | cut -c1-200)"
  echo "$text,${NAME[$a]},${NAME[$b]},${INC[$b]},$sent,$result" >>"$OUT/messages.csv"
}

do_broadcast() {
  pick_live; local a=$PICK; [ -n "$a" ] || return
  BC_SEQ=$((BC_SEQ + 1))
  local title="soak-bc-$SEED-$BC_SEQ" out result=failed sent
  sent=$(now_ms)
  out=$(cmd 30 "$a" "p2p:broadcast --title $title broadcast $BC_SEQ of the soak run from ${NAME[$a]}")
  grep -q '^broadcast .* sent to' <<<"$out" && result=ok
  [ $result = ok ] || log "broadcast $title not sent: $(tr '\n' ' ' <<<"$out" | cut -c1-200)"
  echo "$title,${NAME[$a]},${INC[$a]},$sent,$result" >>"$OUT/broadcasts.csv"
}

do_file() {
  pick_live; local a=$PICK; [ -n "$a" ] || return
  pick_live "$a"; local b=$PICK; [ -n "$b" ] || return
  FILE_SEQ=$((FILE_SEQ + 1))
  local name="soak-file-$SEED-$FILE_SEQ.bin" size sha out result="" trust t0 t1 got tries
  local file="$OUT/files/$name" stored="${DIR[$b]}/data/p2pnet/files/$name"
  size=$(((1 + RANDOM % 4) * 1048576 - RANDOM))
  head -c "$size" /dev/urandom >"$file"
  sha=$(sha256sum "$file" | cut -d' ' -f1)
  # files travel only over channels at ENHANCED trust (the default trust protocol grants it)
  cmd 45 "$a" "p2p:connect 127.0.0.1:${P2P[$b]}" >/dev/null
  for tries in $(seq 1 10); do
    trust=$(channels "$a" | jq -r --arg p "${ID[$b]}" \
      '[.[] | select(.peerId == $p and .trustLevel == "ENHANCED" and .trustPending == false)] | length')
    [ "${trust:-0}" -ge 1 ] && break
    sleep 2
  done
  if [ "${trust:-0}" -lt 1 ]; then
    result="failed: channel ${NAME[$a]}-${NAME[$b]} not at ENHANCED within 20 s"
  else
    t0=$(now_ms)
    out=$(cmd 150 "$a" "p2p:send-file ${ID[$b]} $file")
    t1=$(now_ms)
    if ! grep -q 'transfer verified' <<<"$out"; then
      result="failed: send-file: $(tr '\n,' '  ' <<<"$out" | cut -c1-200)"
    else
      for tries in $(seq 1 20); do [ -f "$stored" ] && break; sleep 0.5; done
      if [ ! -f "$stored" ]; then
        result="failed: no $stored"
      else
        got=$(sha256sum "$stored" | cut -d' ' -f1)
        if [ "$got" = "$sha" ]; then result=verified; else result=corrupted; fi
      fi
    fi
  fi
  [ "$result" = verified ] || log "file $name ${NAME[$a]} -> ${NAME[$b]}: $result"
  echo "$name,${NAME[$a]},${NAME[$b]},$size,$sha,$result,$(((${t1:-0} - ${t0:-0}) / 1000)).$(((${t1:-0} - ${t0:-0}) % 1000 / 100))" >>"$OUT/files.csv"
  # bounded disk: the verified copies are not kept (handler-data skips index entries whose file is gone)
  rm -f "$file"
  [ "$result" = corrupted ] && cp "$stored" "$OUT/corrupted-$name" 2>/dev/null
  rm -f "$stored"
}

# poll_received NODE: what the node's current incarnation has received (broadcast titles, message texts)
poll_received() {
  local i=$1 t out
  t=$(now_ms)
  out=$(cmd 60 "$i" "p2p:messages --json -n 100000" | json_part '[' ']') || return
  if jq -r '.[] | if .broadcast then "B\t" + (.title // "") else "M\t" + .text end' <<<"$out" \
      >"$OUT/received/.tmp-${NAME[$i]}" 2>/dev/null; then
    mv "$OUT/received/.tmp-${NAME[$i]}" "$OUT/received/${NAME[$i]}.${INC[$i]}.txt"
    echo "${NAME[$i]},${INC[$i]},$t" >>"$OUT/polls.csv"
  else
    log "p2p:messages of ${NAME[$i]} unreadable: $(head -c 200 <<<"$out")"
  fi
}

do_sample() {
  local i targets=() elapsed=$(((($(now_ms) - WORK_START) / 1000)))
  for ((i = 0; i < TOTAL; i++)); do
    [ "${READY[$i]}" -gt 0 ] && alive $i && targets+=("${NAME[$i]}:${INC[$i]}:${PID[$i]}")
  done
  timeout -k 5 120 "$JAVA_HOME/bin/java" --add-exports jdk.attach/sun.tools.attach=ALL-UNNAMED -cp "$OUT/classes" \
    SoakTool sample "$OUT/samples.csv" "$elapsed" "${targets[@]}" 2>>"$LOG"
  # three consoles at a time (each bin/client is a JVM); every call is bounded by its timeout
  local group=()
  for ((i = 0; i < TOTAL; i++)); do
    [ "${READY[$i]}" -gt 0 ] && alive $i || continue
    poll_received $i &
    group+=($!)
    if [ ${#group[@]} -ge 3 ]; then wait "${group[@]}"; group=(); fi
  done
  [ ${#group[@]} -eq 0 ] || wait "${group[@]}"
  log "sample at ${elapsed} s: $(tail -n ${#targets[@]} "$OUT/samples.csv" | awk -F, '{h+=$6; t+=$8; f+=$9} END {printf "%d JVMs, heap %.0f MiB, %d threads, %d fds in all", NR, h/1024, t, f}')"
}

CHURN_VICTIM=""
do_churn() { # kill -9 one random ready node
  pick_live; local v=$PICK; [ -n "$v" ] || return
  log "churn: kill -9 ${NAME[$v]}#${INC[$v]} (pid ${PID[$v]})"
  kill -KILL "${PID[$v]}" 2>/dev/null; wait "${PID[$v]}" 2>/dev/null
  end_incarnation "$v" killed
  DOWN_AT[$v]=$SECONDS
}

# watch: unexpected exits, due restarts, readiness of restarted nodes
watch_nodes() {
  local i
  for ((i = 0; i < TOTAL; i++)); do
    if [ "${PID[$i]}" -gt 0 ] && ! alive $i; then
      wait "${PID[$i]}" 2>/dev/null
      log "UNEXPECTED: ${NAME[$i]}#${INC[$i]} (pid ${PID[$i]}) exited; see ${DIR[$i]}/console.log"
      end_incarnation $i died
      DOWN_AT[$i]=$SECONDS
    elif [ "${PID[$i]}" -eq 0 ] && [ "${DOWN_AT[$i]}" -gt 0 ] && [ $((SECONDS - DOWN_AT[i])) -ge $RESTART_AFTER ]; then
      DOWN_AT[$i]=0 RETRIED[$i]=0
      start_node $i
    elif [ "${PID[$i]}" -gt 0 ] && [ "${READY[$i]}" -eq 0 ]; then
      if ! check_ready $i && [ $((($(now_ms) - START[i]) / 1000)) -ge $BOOT_S ] && [ "${RETRIED[$i]}" -eq 0 ]; then
        log "${NAME[$i]}#${INC[$i]} not ready within $BOOT_S s: killed and started once more"
        timeout 30 "$JAVA_HOME/bin/jcmd" "${PID[$i]}" Thread.print >"${DIR[$i]}/threads-boot-${INC[$i]}.txt" 2>&1
        kill -KILL "${PID[$i]}" 2>/dev/null; wait "${PID[$i]}" 2>/dev/null
        end_incarnation $i boot-hang
        start_node $i
        RETRIED[$i]=1
      fi
    fi
  done
}

WORK_START=$(now_ms)
echo "workload_start_ms,$WORK_START" >>"$OUT/run.csv"
END=$((SECONDS + MINUTES * 60))
next_msg=$SECONDS next_bc=$((SECONDS + 2)) next_file=$((SECONDS + 5)) next_sample=$SECONDS
next_churn=$((SECONDS + CHURN_EVERY / 4))
log "workload for $MINUTES min: message every ${MSG_EVERY} s, broadcast every ${BC_EVERY} s, file every ${FILE_EVERY} s, kill -9 every ${CHURN_EVERY} s (restart after ${RESTART_AFTER} s)"
while [ $SECONDS -lt $END ]; do
  watch_nodes
  if [ $SECONDS -ge $next_sample ]; then
    do_sample
    # a long step (a file) may have delayed this sample: the next one comes at least half a period later
    next_sample=$((next_sample + SAMPLE_EVERY)); [ $next_sample -gt $SECONDS ] || next_sample=$((SECONDS + SAMPLE_EVERY / 2))
    continue
  fi
  # no new kill in the last 90 s of the run: its victim would not be back before the end
  if [ $SECONDS -ge $next_churn ]; then
    [ $((END - SECONDS)) -lt 90 ] || do_churn
    next_churn=$((next_churn + CHURN_EVERY))
  fi
  if [ $SECONDS -ge $next_bc ]; then do_broadcast; next_bc=$((SECONDS + BC_EVERY)); fi
  if [ $SECONDS -ge $next_msg ]; then do_message; next_msg=$((SECONDS + MSG_EVERY)); fi
  if [ $SECONDS -ge $next_file ]; then do_file; next_file=$((SECONDS + FILE_EVERY)); fi
  sleep 1
done
WORK_END=$(now_ms)
echo "workload_end_ms,$WORK_END" >>"$OUT/run.csv"
log "workload done ($BC_SEQ broadcasts, $MSG_SEQ messages, $FILE_SEQ files); last sample after a ${GRACE_S} s grace"
# the last broadcasts need GRACE_S before the final read; a node still down is started no more
sleep_until=$((SECONDS + GRACE_S))
while [ $SECONDS -lt $sleep_until ]; do watch_nodes; sleep 1; done
do_sample

for ((i = 0; i < TOTAL; i++)); do
  if [ "${PID[$i]}" -gt 0 ]; then
    echo "${NAME[$i]},${INC[$i]},${PID[$i]},${START[$i]},${READY[$i]},0," >>"$OUT/incarnations.csv"
  fi
done
echo "finished,$(date -u +%Y-%m-%dT%H:%M:%SZ)" >>"$OUT/run.csv"
tool analyze "$OUT" "$MAX_HEAP_MIB"
rc=$?
log "summary: $OUT/summary.md (exit $rc)"
exit $rc
}
