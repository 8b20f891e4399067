#!/usr/bin/env bash
# File throughput between two p2pnet nodes on loopback (node distributions, each its own JVM),
# plaintext and TLS, beside iperf3 single-stream TCP in the same run. Installs iperf3 with apt when
# missing. Bounded: one file per mode, every wait has a deadline. Writes the report, with the
# command that produced it, to benchmarks/file-transfer.md (or --out FILE).
#
#   benchmarks/file-transfer.sh [--size-mib 2048] [--heap 256M] [--out FILE]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/benchmarks/file-transfer.md"
SIZE_MIB=2048
HEAP=256M
COMMAND_LINE="benchmarks/file-transfer.sh"
[ $# -eq 0 ] || COMMAND_LINE+=$(printf ' %q' "$@")
while [ $# -gt 0 ]; do
  case "$1" in
    --size-mib) SIZE_MIB=${2:?}; shift 2 ;;
    --heap) HEAP=${2:?}; shift 2 ;;
    --out) OUT=${2:?}; shift 2 ;;
    -h|--help) sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "file-transfer: unknown option '$1'" >&2; exit 1 ;;
  esac
done
case "$SIZE_MIB" in ''|*[!0-9]*) echo "file-transfer: --size-mib must be a whole number" >&2; exit 1 ;; esac
if [ -z "${JAVA_HOME:-}" ]; then JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"; fi
export JAVA_HOME
cd "$ROOT"

if ! command -v iperf3 >/dev/null; then
  echo "==> installing iperf3" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get install -y -q iperf3 >&2 || { $SUDO apt-get update -q >&2 && $SUDO apt-get install -y -q iperf3 >&2; }
fi
TGZ=$(ls karaf-assembly/target/p2pnet-node-*.tar.gz 2>/dev/null | head -1 || true)
if [ -z "$TGZ" ]; then
  echo "==> building the node distribution" >&2
  ./mvnw -B -q install -DskipTests -pl karaf-assembly -am >&2
  TGZ=$(ls karaf-assembly/target/p2pnet-node-*.tar.gz | head -1)
fi

WORK=$(mktemp -d /tmp/p2pnet-filebench.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
set_cfg() { # file key value
  if grep -q "^$2 *=" "$1" 2>/dev/null; then sed -i "s|^$2 *=.*|$2 = $3|" "$1"; else echo "$2 = $3" >> "$1"; fi
}
client() { # home command...: runs one console command (bin/client reads it from stdin; -b: batch)
  local home=$1 port; shift
  port=$(grep '^sshPort' "$home/etc/org.apache.karaf.shell.cfg" | sed 's/.*= *//')
  printf '%s\n' "$*" | JAVA_HOME="$JAVA_HOME" "$home/bin/client" -h 127.0.0.1 -a "$port" -u karaf -p karaf -r 3 -d 1 -b 2>/dev/null || true
}
now() { date +%s.%N; }

echo "==> iperf3 single stream on loopback (10 s)" >&2
IPORT=$(free_port)
iperf3 -s -1 -p "$IPORT" >/dev/null 2>&1 &
PIDS+=($!)
sleep 1
IPERF_BPS=$(iperf3 -c 127.0.0.1 -p "$IPORT" -t 10 -J | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]))')
IPERF_MIBS=$(python3 -c "print(round($IPERF_BPS/8/1048576))")

start_node() { # home tls
  local home=$1 tls=$2
  mkdir -p "$home" && tar -xzf "$ROOT/$TGZ" -C "$home" --strip-components=1
  set_cfg "$home/etc/org.p2pnet.core.cfg" port "$(free_port)"
  set_cfg "$home/etc/org.p2pnet.core.cfg" networkName filebench
  set_cfg "$home/etc/org.apache.karaf.shell.cfg" sshPort "$(free_port)"
  set_cfg "$home/etc/org.apache.karaf.shell.cfg" sshHost 127.0.0.1
  set_cfg "$home/etc/org.p2pnet.discovery.lan.cfg" enabled false
  set_cfg "$home/etc/org.p2pnet.discovery.lan.cfg" interfaces lo
  set_cfg "$home/etc/org.p2pnet.channel.tcp.cfg" tls "$tls"
  (cd "$home" && { KARAF_EXEC=exec JAVA_MAX_MEM=$HEAP JAVA_MIN_MEM=64M nohup bin/karaf server >console.log 2>&1 &
   echo $! > karaf.pid; })
  PIDS+=("$(cat "$home/karaf.pid")")
  for _ in $(seq 1 90); do
    if client "$home" p2p:status | grep -q Listening && ! client "$home" p2p:status | grep -q "fail"; then return 0; fi
    sleep 2
  done
  echo "file-transfer: node in $home did not start; see $home/console.log" >&2; exit 1
}

run_mode() { # tls; sets RESULT="seconds_total seconds_streaming"
  local tls=$1 a="$WORK/a-$1" b="$WORK/b-$1"
  start_node "$a" "$tls"; start_node "$b" "$tls"
  local aport bid
  aport=$(grep '^port' "$a/etc/org.p2pnet.core.cfg" | sed 's/.*= *//')
  bid=$(client "$b" p2p:identity --json | python3 -c 'import json,sys; t=sys.stdin.read(); print(json.loads(t[t.index("{"):t.rindex("}")+1])["peerId"])')
  client "$b" p2p:connect "127.0.0.1:$aport" >/dev/null
  for _ in $(seq 1 60); do
    if client "$a" p2p:channels | grep "${bid:0:12}" | grep -q ENHANCED; then break; fi; sleep 1
  done
  dd if=/dev/urandom of="$a/bench.bin" bs=1M count="$SIZE_MIB" status=none
  local state=""
  client "$a" p2p:send-file --no-wait "$bid" "$a/bench.bin" >/dev/null
  # poll sparsely: each bin/client is a JVM that would compete with the nodes for the 2 cores
  for _ in $(seq 1 300); do
    sleep 2
    state=$(client "$a" p2p:transfers --json | python3 -c '
import json,sys
t=sys.stdin.read(); a=json.loads(t[t.index("["):t.rindex("]")+1])
print(next((x["state"] for x in a if x["name"].endswith("bench.bin")), "NONE"))')
    if [ "$state" = DONE ]; then break; fi
    if [ "$state" = FAILED ] || [ "$state" = CANCELLED ]; then echo "file-transfer: transfer $state" >&2; exit 1; fi
  done
  [ "$state" = DONE ] || { echo "file-transfer: no end within the deadline" >&2; exit 1; }
  cmp -s "$a/bench.bin" "$b/data/p2pnet/files/bench.bin" || { echo "file-transfer: received file differs" >&2; exit 1; }
  # the nodes' own clocks: the sender's transfer runs from send-file (hashing first) to DONE; the
  # receiver's from the offer (the sender has hashed) to stored (its SHA-256 check included)
  local span='
import json,sys
from datetime import datetime
t=sys.stdin.read(); a=json.loads(t[t.index("["):t.rindex("]")+1])
x=next(x for x in a if x["name"].endswith("bench.bin") and x["direction"]==sys.argv[1])
f=lambda s: datetime.fromisoformat(s.replace("Z","+00:00"))
print("%.2f" % (f(x["updatedAt"])-f(x["startedAt"])).total_seconds())'
  local total streaming
  total=$(client "$a" p2p:transfers --json | python3 -c "$span" OUTGOING)
  streaming=$(client "$b" p2p:transfers --json | python3 -c "$span" INCOMING)
  for p in "$a" "$b"; do kill "$(cat "$p/karaf.pid")" 2>/dev/null || true; done
  RESULT="$total $streaming"
}

echo "==> plaintext: ${SIZE_MIB} MiB between two nodes" >&2
run_mode false
read -r PT_TOTAL PT_WIRE <<< "$RESULT"
echo "==> TLS: ${SIZE_MIB} MiB between two nodes" >&2
run_mode true
read -r TLS_TOTAL TLS_WIRE <<< "$RESULT"
rate() { python3 -c "print(round($SIZE_MIB/$1))"; }
pct() { python3 -c "print(round(100*$SIZE_MIB/$1/$IPERF_MIBS, 1))"; }
{
  echo "# File throughput between two nodes, beside iperf3"
  echo
  echo "Produced by \`cd $ROOT && $COMMAND_LINE\` on $(date -u +%Y-%m-%dT%H:%M:%SZ)."
  echo
  echo "- Two node distributions on 127.0.0.1, each its own JVM with a $HEAP heap; LAN discovery off; the"
  echo "  receiver dials the sender; the transfer starts once the trust protocol raised the channel to ENHANCED."
  echo "- One ${SIZE_MIB} MiB file of random bytes, \`p2p:send-file\`; times from the nodes' own transfer records"
  echo "  (\`p2p:transfers --json\`, read once at the end; polled every 2 s meanwhile). *Total*: the sender's"
  echo "  transfer, from send-file to DONE — it hashes the file before it offers it. *Streaming*: the receiver's"
  echo "  transfer, from the offer to the file stored — its own SHA-256 check of the whole file included."
  echo "- The received file is compared byte for byte with the sent one."
  echo "- iperf3: one TCP stream, 10 s, same machine, same run."
  echo "- Machine: $(nproc) CPUs, Linux $(uname -r), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)."
  echo
  echo "| | MiB/s total | MiB/s streaming | streaming / iperf3 | target |"
  echo "|---|---:|---:|---:|---:|"
  echo "| iperf3 single stream | | $IPERF_MIBS | 100 % | |"
  echo "| p2pnet plaintext | $(rate "$PT_TOTAL") | $(rate "$PT_WIRE") | $(pct "$PT_WIRE") % | ≥ 60 % |"
  echo "| p2pnet TLS 1.3 | $(rate "$TLS_TOTAL") | $(rate "$TLS_WIRE") | $(pct "$TLS_WIRE") % | ≥ 30 % |"
} | tee "$OUT"
echo "==> written to $OUT" >&2
