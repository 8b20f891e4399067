#!/usr/bin/env bash
# File throughput between two p2pnet nodes on loopback (node distributions, each its own JVM),
# plaintext and TLS, with the files on tmpfs and on disk, beside iperf3 single-stream TCP in the same
# run, and the machine's own ceilings for the work a verified transfer cannot skip (SHA-256 of every
# byte, writing every byte). Installs iperf3 with apt when missing. Bounded: one file per mode,
# every wait has a deadline. Writes the report, with the command that produced it, to
# benchmarks/file-transfer.md (or --out FILE).
#
#   benchmarks/file-transfer.sh [--size-mib 1024] [--heap 256M] [--storage both|tmpfs|disk] [--out FILE]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/benchmarks/file-transfer.md"
SIZE_MIB=1024
HEAP=256M
STORAGE=both
COMMAND_LINE="benchmarks/file-transfer.sh"
[ $# -eq 0 ] || COMMAND_LINE+=$(printf ' %q' "$@")
while [ $# -gt 0 ]; do
  case "$1" in
    --size-mib) SIZE_MIB=${2:?}; shift 2 ;;
    --heap) HEAP=${2:?}; shift 2 ;;
    --storage) STORAGE=${2:?}; shift 2 ;;
    --out) OUT=${2:?}; shift 2 ;;
    -h|--help) sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "file-transfer: unknown option '$1'" >&2; exit 1 ;;
  esac
done
case "$SIZE_MIB" in ''|*[!0-9]*|0) echo "file-transfer: --size-mib must be a whole number above 0" >&2; exit 1 ;; esac
case "$STORAGE" in both) MEDIA="tmpfs disk" ;; tmpfs|disk) MEDIA=$STORAGE ;;
  *) echo "file-transfer: --storage must be both, tmpfs or disk, not '$STORAGE'" >&2; exit 1 ;; esac
if [ -z "${JAVA_HOME:-}" ]; then JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"; fi
export JAVA_HOME
cd "$ROOT"

SHM=/dev/shm
[ -d "$SHM" ] && [ -w "$SHM" ] || { echo "file-transfer: $SHM (tmpfs) is not writable here" >&2; exit 1; }
# each mode holds the sent and the received file; the warm-up below touches four times the size
NEED_MIB=$((SIZE_MIB * 4 + 512))
FREE_MIB=$(awk '/MemAvailable/ {print int($2/1024)}' /proc/meminfo)
[ "$FREE_MIB" -gt "$NEED_MIB" ] || { echo "file-transfer: needs about $NEED_MIB MiB of free memory, $FREE_MIB available; use a smaller --size-mib" >&2; exit 1; }

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
TMPFS=$(mktemp -d "$SHM/p2pnet-filebench.XXXXXX")
PIDS=()
stop_pids() {
  for p in "$@"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  for p in "$@"; do
    for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
  done
}
cleanup() {
  stop_pids "${PIDS[@]:-}"
  rm -rf "$WORK" "$TMPFS"
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
cpu_ticks() { awk '/^cpu / {print $2+$3+$4+$6+$7+$8, $2+$3+$4+$5+$6+$7+$8}' /proc/stat; } # busy total
mibs() { python3 -c "print(round($1/$2))"; }

# This machine is a VM that backs guest memory when it is first touched (about 400 MB/s here),
# which would be charged to whoever touches fresh memory first. Touch it once, for everybody.
echo "==> warming $((SIZE_MIB * 4)) MiB of memory (first touch of guest pages)" >&2
dd if=/dev/zero of="$TMPFS/warm" bs=1M count=$((SIZE_MIB * 4)) status=none
rm -f "$TMPFS/warm"

echo "==> ceilings: SHA-256, AES-GCM and memcpy on one core, writing to tmpfs and to disk" >&2
cat > "$WORK/Ceil.java" <<'EOF'
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** MiB/s on one core, best of 4 rounds of 1 GiB: SHA-256, AES-256-GCM in 16 KiB records both ways, and memcpy of 64 MiB arrays. */
public class Ceil {
    interface Work { void run(byte[] b) throws Exception; }

    static long best(byte[] b, Work w) throws Exception {
        double best = 0;
        for (int round = 0; round < 4; round++) {
            long t = System.nanoTime();
            for (int i = 0; i < 4096; i++) w.run(b);
            best = Math.max(best, 1024 / ((System.nanoTime() - t) / 1e9));
        }
        return Math.round(best);
    }

    public static void main(String[] a) throws Exception {
        byte[] b = new byte[256 * 1024];
        new java.util.Random(1).nextBytes(b);
        java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-256");
        long sha = best(b, d::update);
        SecretKeySpec key = new SecretKeySpec(new byte[32], "AES");
        Cipher enc = Cipher.getInstance("AES/GCM/NoPadding");
        Cipher dec = Cipher.getInstance("AES/GCM/NoPadding");
        byte[] rec = new byte[16 * 1024 + 16];
        byte[] out = new byte[16 * 1024 + 16];
        long[] n = {0};
        long encRate = best(b, x -> {
            for (int off = 0; off < x.length; off += 16 * 1024) {
                byte[] iv = java.nio.ByteBuffer.allocate(12).putLong(4, ++n[0]).array();
                enc.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
                enc.doFinal(x, off, 16 * 1024, rec, 0);
            }
        });
        byte[] iv0 = new byte[12];
        enc.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv0));
        enc.doFinal(b, 0, 16 * 1024, rec, 0);
        long decRate = best(b, x -> {
            for (int off = 0; off < x.length; off += 16 * 1024) {
                dec.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, iv0));
                dec.doFinal(rec, 0, rec.length, out, 0);
            }
        });
        // memcpy through memory, not the cache: 64 MiB arrays, 16 copies a GiB
        byte[] from = new byte[64 << 20];
        byte[] to = new byte[64 << 20];
        java.util.Arrays.fill(from, (byte) 1);
        double copyBest = 0;
        for (int round = 0; round < 4; round++) {
            long t = System.nanoTime();
            for (int i = 0; i < 16; i++) System.arraycopy(from, 0, to, 0, from.length);
            copyBest = Math.max(copyBest, 1024 / ((System.nanoTime() - t) / 1e9));
        }
        long memcpy = Math.round(copyBest);
        System.out.println(sha + " " + encRate + " " + decRate + " " + memcpy);
    }
}
EOF
read -r SHA_MIBS AESENC_MIBS AESDEC_MIBS MEMCPY_MIBS <<< "$("$JAVA_HOME/bin/java" "$WORK/Ceil.java")"
dd_rate() { # file [extra dd args]: MiB/s of writing SIZE_MIB MiB
  local t0 t1; t0=$(date +%s.%N)
  dd if=/dev/zero of="$1" bs=1M count="$SIZE_MIB" status=none "${@:2}"
  t1=$(date +%s.%N); rm -f "$1"
  python3 -c "print(round($SIZE_MIB/($t1-$t0)))"
}
TMPFS_MIBS=$(dd_rate "$TMPFS/dd.bin")
DISK_MIBS=$(dd_rate "$WORK/dd.bin" conv=fdatasync)

echo "==> iperf3 single stream on loopback (10 s)" >&2
IPORT=$(free_port)
iperf3 -s -1 -p "$IPORT" >/dev/null 2>&1 &
IPERF_PID=$!
PIDS+=("$IPERF_PID")
# wait until it listens (not by connecting: -1 serves exactly one client)
for _ in $(seq 1 50); do ss -ltnH "sport = :$IPORT" 2>/dev/null | grep -q . && break; sleep 0.1; done
IPERF_BEFORE=$(cpu_ticks)
IPERF_BPS=$(iperf3 -c 127.0.0.1 -p "$IPORT" -t 10 -J | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]))')
IPERF_AFTER=$(cpu_ticks)
IPERF_MIBS=$(python3 -c "print(round($IPERF_BPS/8/1048576))")
# CPU seconds the loopback TCP stream costs per GiB (both ends, both kernels), from /proc/stat
TCP_CS=$(python3 -c "b0,t0='$IPERF_BEFORE'.split(); b1,t1='$IPERF_AFTER'.split(); busy=(int(b1)-int(b0))/max(1,int(t1)-int(t0)); print('%.3f' % (busy*$(nproc)*10/($IPERF_BPS*10/8/2**30)))")
stop_pids "$IPERF_PID"

start_node() { # home tls storage-dir-or-empty
  local home=$1 tls=$2 storage=$3
  mkdir -p "$home" && tar -xzf "$ROOT/$TGZ" -C "$home" --strip-components=1
  set_cfg "$home/etc/org.p2pnet.core.cfg" port "$(free_port)"
  set_cfg "$home/etc/org.p2pnet.core.cfg" networkName filebench
  set_cfg "$home/etc/org.apache.karaf.shell.cfg" sshPort "$(free_port)"
  set_cfg "$home/etc/org.apache.karaf.shell.cfg" sshHost 127.0.0.1
  set_cfg "$home/etc/org.p2pnet.discovery.lan.cfg" enabled false
  set_cfg "$home/etc/org.p2pnet.discovery.lan.cfg" interfaces lo
  set_cfg "$home/etc/org.p2pnet.channel.tcp.cfg" tls "$tls"
  [ -z "$storage" ] || set_cfg "$home/etc/org.p2pnet.handler.data.cfg" storageDir "$storage"
  (cd "$home" && { KARAF_EXEC=exec JAVA_MAX_MEM=$HEAP JAVA_MIN_MEM=64M nohup bin/karaf server >console.log 2>&1 &
   echo $! > karaf.pid; })
  PIDS+=("$(cat "$home/karaf.pid")")
  for _ in $(seq 1 90); do
    if client "$home" p2p:status | grep -q Listening && ! client "$home" p2p:status | grep -q "fail"; then return 0; fi
    sleep 2
  done
  echo "file-transfer: node in $home did not start; see $home/console.log" >&2; exit 1
}

run_mode() { # media tls; sets RESULT="seconds_total seconds_streaming cpu_busy_percent"
  local media=$1 tls=$2 a="$WORK/a-$1-$2" b="$WORK/b-$1-$2" src received storage=""
  if [ "$media" = tmpfs ]; then
    mkdir -p "$TMPFS/$1-$2/a" "$TMPFS/$1-$2/b"
    src="$TMPFS/$1-$2/a/bench.bin"; storage="$TMPFS/$1-$2/b"; received="$storage/bench.bin"
  else
    src="$a/bench.bin"; received="$b/data/p2pnet/files/bench.bin"
  fi
  start_node "$a" "$tls" ""; start_node "$b" "$tls" "$storage"
  local aport bid
  aport=$(grep '^port' "$a/etc/org.p2pnet.core.cfg" | sed 's/.*= *//')
  bid=$(client "$b" p2p:identity --json | python3 -c 'import json,sys; t=sys.stdin.read(); print(json.loads(t[t.index("{"):t.rindex("}")+1])["peerId"])')
  client "$b" p2p:connect "127.0.0.1:$aport" >/dev/null
  local trusted=""
  for _ in $(seq 1 60); do
    if client "$a" p2p:channels | grep "${bid:0:12}" | grep -q ENHANCED; then trusted=yes; break; fi; sleep 1
  done
  [ -n "$trusted" ] || { echo "file-transfer: the channel never reached ENHANCED" >&2; exit 1; }
  mkdir -p "$(dirname "$src")"
  # warm-up: a freshly booted node spends its first seconds compiling (C1/C2 took about 30 % of
  # the CPU of a cold run here); one transfer of a quarter of the size first, not measured
  local warm="${src%/*}/warmup.bin"
  dd if=/dev/urandom of="$warm" bs=1M count=$(( (SIZE_MIB + 3) / 4 )) status=none
  client "$a" p2p:send-file --no-wait "$bid" "$warm" >/dev/null
  local deadline=$((SECONDS + 600))
  until [ -e "${received%/*}/warmup.bin" ]; do
    [ $SECONDS -lt $deadline ] || { echo "file-transfer: the warm-up file did not arrive within 600 s" >&2; exit 1; }
    sleep 0.2
  done
  rm -f "$warm" "${received%/*}/warmup.bin"
  dd if=/dev/urandom of="$src" bs=1M count="$SIZE_MIB" status=none
  local before after
  before=$(cpu_ticks)
  client "$a" p2p:send-file --no-wait "$bid" "$src" >/dev/null
  # no console client while it runs (each is a JVM that would take CPU from the nodes): the
  # received file appears under its name only once verified and stored
  deadline=$((SECONDS + 600))
  until [ -e "$received" ]; do
    [ $SECONDS -lt $deadline ] || { echo "file-transfer: no file within 600 s" >&2; exit 1; }
    sleep 0.2
  done
  after=$(cpu_ticks)
  local state=""
  for _ in $(seq 1 30); do
    state=$(client "$a" p2p:transfers --json | python3 -c '
import json,sys
t=sys.stdin.read(); a=json.loads(t[t.index("["):t.rindex("]")+1])
print(next((x["state"] for x in a if x["name"].endswith("bench.bin")), "NONE"))')
    [ "$state" = DONE ] && break
    if [ "$state" = FAILED ] || [ "$state" = CANCELLED ]; then echo "file-transfer: transfer $state" >&2; exit 1; fi
    sleep 1
  done
  [ "$state" = DONE ] || { echo "file-transfer: the sender never saw DONE (state $state)" >&2; exit 1; }
  cmp -s "$src" "$received" || { echo "file-transfer: received file differs" >&2; exit 1; }
  # the nodes' own clocks: the sender's transfer runs from send-file (hashing first) to DONE; the
  # receiver's from the offer (the sender has hashed) to stored (its SHA-256 check included)
  local span='
import json,sys
from datetime import datetime
t=sys.stdin.read(); a=json.loads(t[t.index("["):t.rindex("]")+1])
x=next(x for x in a if x["name"].endswith("bench.bin") and x["direction"]==sys.argv[1])
f=lambda s: datetime.fromisoformat(s.replace("Z","+00:00"))
print("%.2f" % (f(x["updatedAt"])-f(x["startedAt"])).total_seconds())'
  local total streaming busy
  total=$(client "$a" p2p:transfers --json | python3 -c "$span" OUTGOING)
  streaming=$(client "$b" p2p:transfers --json | python3 -c "$span" INCOMING)
  busy=$(python3 -c "b0,t0='$before'.split(); b1,t1='$after'.split(); print(round(100*(int(b1)-int(b0))/max(1,int(t1)-int(t0))))")
  stop_pids "$(cat "$a/karaf.pid")" "$(cat "$b/karaf.pid")"
  rm -rf "$TMPFS/$1-$2" "$a" "$b"
  RESULT="$total $streaming $busy"
}

ROWS=()
for media in $MEDIA; do
  for tls in false true; do
    label="plaintext"; target="≥ 60 %"
    if [ "$tls" = true ]; then label="TLS 1.3"; target="≥ 30 %"; fi
    echo "==> $label, files on $media: ${SIZE_MIB} MiB between two nodes" >&2
    run_mode "$media" "$tls"
    read -r total streaming busy <<< "$RESULT"
    ROWS+=("| p2pnet $label, files on $media | $(mibs "$SIZE_MIB" "$total") | $(mibs "$SIZE_MIB" "$streaming") | $(python3 -c "print(round(100*$SIZE_MIB/$streaming/$IPERF_MIBS, 1))") % | $busy % | $target |")
  done
done

pct() { python3 -c "print(round(100*$1/$IPERF_MIBS, 1))"; }
cs() { python3 -c "print('%.3f' % (1024/$1))"; } # CPU seconds per GiB at this many MiB/s
reach() { python3 -c "print('yes' if 100*$1/$IPERF_MIBS >= $2 else '**no**: the ceiling is below the target')"; }
PT_BUDGET=$(python3 -c "print('%.3f' % ($TCP_CS + 1024/$SHA_MIBS + 1024/$TMPFS_MIBS + 1024/$MEMCPY_MIBS))")
TLS_BUDGET=$(python3 -c "print('%.3f' % ($PT_BUDGET + 1024/$AESENC_MIBS + 1024/$AESDEC_MIBS))")
PT_CEIL=$(python3 -c "print(round($(nproc)*1024/$PT_BUDGET))")
TLS_CEIL=$(python3 -c "print(round($(nproc)*1024/$TLS_BUDGET))")
{
  echo "# File throughput between two nodes, beside iperf3"
  echo
  echo "Produced by \`cd $ROOT && $COMMAND_LINE\` on $(date -u +%Y-%m-%dT%H:%M:%SZ)."
  echo
  echo "- Two node distributions on 127.0.0.1, each its own JVM with a $HEAP heap; LAN discovery off; the"
  echo "  receiver dials the sender; the transfer starts once the trust protocol raised the channel to ENHANCED."
  echo "- One ${SIZE_MIB} MiB file of random bytes, \`p2p:send-file\`. *Total*: the sender's transfer, from"
  echo "  send-file to DONE — it hashes the file before it offers it. *Streaming*: the receiver's transfer, from"
  echo "  the offer to the file verified (SHA-256) and stored. Both from the nodes' own transfer records,"
  echo "  read once the file is stored; no console client runs meanwhile."
  echo "- *Files on tmpfs*: the sent file and the receiver's storage directory on $SHM; *on disk*: both on"
  echo "  the root file system, where the receiver's syncs (every 64 MiB and at the end) reach the disk."
  echo "- *CPU busy*: both cores together, from /proc/stat, between send-file and the file stored."
  echo "- The received file is compared byte for byte with the sent one."
  echo "- Each pair of nodes first sends one file of a quarter of the size, not measured (JIT warm-up)."
  echo "- iperf3: one TCP stream, 10 s, same machine, same run. Memory was warmed first (this VM backs"
  echo "  guest pages at about 400 MB/s on first touch)."
  echo "- Machine: $(nproc) CPUs, Linux $(uname -r), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)."
  echo
  echo "| | MiB/s total | MiB/s streaming | streaming / iperf3 | CPU busy | target |"
  echo "|---|---:|---:|---:|---:|---:|"
  echo "| iperf3 single stream | | $IPERF_MIBS | 100 % | | |"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "## Ceilings measured in the same run"
  echo
  echo "The work a verified, stored transfer cannot skip, each measured alone in this run:"
  echo
  echo "| work (one core unless said) | MiB/s | CPU s per GiB |"
  echo "|---|---:|---:|"
  echo "| loopback TCP, both ends and both kernels (iperf3's CPU over its bytes, all $(nproc) cores) | $IPERF_MIBS | $TCP_CS |"
  echo "| SHA-256 (JDK, SHA-NI): the receiver checks every byte | $SHA_MIBS | $(cs "$SHA_MIBS") |"
  echo "| writing into the page cache (dd to tmpfs): the receiver stores every byte | $TMPFS_MIBS | $(cs "$TMPFS_MIBS") |"
  echo "| memcpy of 64 MiB arrays: the sender reads the file into its buffer | $MEMCPY_MIBS | $(cs "$MEMCPY_MIBS") |"
  echo "| AES-256-GCM encrypt, 16 KiB records (TLS sender) | $AESENC_MIBS | $(cs "$AESENC_MIBS") |"
  echo "| AES-256-GCM decrypt, 16 KiB records (TLS receiver) | $AESDEC_MIBS | $(cs "$AESDEC_MIBS") |"
  echo "| writing to disk with fdatasync (dd), for the disk rows | $DISK_MIBS | $(cs "$DISK_MIBS") |"
  echo
  echo "Their sum is the fewest CPU seconds one GiB can take; the $(nproc) cores then give the most MiB/s"
  echo "any implementation could reach here, with no framing, extra copy, JVM or scheduling cost at all:"
  echo
  echo "| | CPU s per GiB, at least | ceiling MiB/s | ceiling / iperf3 | target | reachable here |"
  echo "|---|---:|---:|---:|---:|---|"
  echo "| plaintext: TCP + SHA-256 + page cache + read | $PT_BUDGET | $PT_CEIL | $(pct "$PT_CEIL") % | ≥ 60 % | $(reach "$PT_CEIL" 60) |"
  echo "| TLS: the same + encrypt + decrypt | $TLS_BUDGET | $TLS_CEIL | $(pct "$TLS_CEIL") % | ≥ 30 % | $(reach "$TLS_CEIL" 30) |"
  echo
  echo "A transfer is one stream checked by one SHA-256, so its hashing cannot be spread over cores."
  echo "iperf3 does none of this work: it moves the same buffer through the kernel again and again."
} | tee "$OUT"
echo "==> written to $OUT" >&2
