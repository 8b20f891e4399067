#!/usr/bin/env bash
# Broadcast cost on a real overlay: runs BroadcastIT (a genesis node and 20 nodes on loopback, a
# random overlay with >= 3 channels per node; one broadcast, then 5 nodes killed and one more) and
# records, per broadcast, the copies sent to reach full coverage and the duplicates each node
# received, with the command that produced it, in benchmarks/broadcast.md (or --out FILE).
#
#   benchmarks/broadcast.sh [--out FILE]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/benchmarks/broadcast.md"
COMMAND_LINE="benchmarks/broadcast.sh"
[ $# -eq 0 ] || COMMAND_LINE+=$(printf ' %q' "$@")
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT=${2:?}; shift 2 ;;
    -h|--help) sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "broadcast: unknown option '$1'" >&2; exit 1 ;;
  esac
done
cd "$ROOT"
echo "==> building the distributions" >&2
./mvnw -B -q install -DskipTests >&2
rm -f itests/target/broadcast-report.md
echo "==> running BroadcastIT (about 4 minutes)" >&2
timeout 1800 ./mvnw -B -q verify -pl itests -Dit.test=BroadcastIT >&2
{
  echo "# Broadcast on a 20-node overlay"
  echo
  echo "Produced by \`cd $ROOT && $COMMAND_LINE\` on $(date -u +%Y-%m-%dT%H:%M:%SZ)."
  echo
  echo "- A genesis node and 20 nodes, each its own JVM on 127.0.0.1, LAN discovery off: they join through the"
  echo "  genesis node and peer exchange into a random overlay where every node holds >= 3 channels."
  echo "- One broadcast from node 0, delivered exactly once on every node (BroadcastIT asserts it); then 5 other"
  echo "  nodes are killed, the 15 left heal (>= 3 channels each), and one more broadcast."
  echo "- *Copies sent*: the origin's sends plus every relay, i.e. the messages it took to reach full coverage;"
  echo "  flooding sends one copy along each channel in each direction except back where it came from, so"
  echo "  copies = 2 x channels - (nodes - 1) and duplicates = copies - (nodes - 1). Counted by each node's"
  echo "  \`p2p:broadcast-stats\` before and after. The genesis node relays too; it is not in the tables."
  echo "- Machine: $(nproc) CPUs, Linux $(uname -r)."
  echo
  cat itests/target/broadcast-report.md
} | tee "$OUT"
echo "==> written to $OUT" >&2
