#!/usr/bin/env bash
# Channel setup rate and message throughput, TLS 1.3 against plaintext: two channel-tcp transports
# on 127.0.0.1 in one JVM (TlsBench in channel-tcp's tests; bounded in count and time), written
# with the command that produced it to benchmarks/channel-tls.md (or --out FILE).
#
#   benchmarks/channel-tls.sh [--out FILE]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/benchmarks/channel-tls.md"
COMMAND_LINE="benchmarks/channel-tls.sh"
[ $# -eq 0 ] || COMMAND_LINE+=$(printf ' %q' "$@")
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT=${2:?}; shift 2 ;;
    -h|--help) sed -n '2,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "channel-tls: unknown option '$1'" >&2; exit 1 ;;
  esac
done
if [ -z "${JAVA_HOME:-}" ]; then JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"; fi
export JAVA_HOME
cd "$ROOT"
echo "==> building channel-tcp and its test classpath" >&2
./mvnw -B -q install -pl bundles/api,bundles/channel-tcp -DskipTests >&2
(cd bundles/channel-tcp && ../../mvnw -B -q dependency:build-classpath -Dmdep.outputFile=target/bench-cp.txt \
  -Dmdep.includeScope=test >&2)
CP="bundles/channel-tcp/target/test-classes:bundles/channel-tcp/target/classes:$(cat bundles/channel-tcp/target/bench-cp.txt)"
echo "==> running TlsBench (a warm-up round, then the measured one)" >&2
table=$(timeout 600 "$JAVA_HOME/bin/java" -cp "$CP" org.p2pnet.channel.tcp.internal.TlsBench)
{
  echo "# Channels: TLS 1.3 against plaintext"
  echo
  echo "Produced by \`cd $ROOT && $COMMAND_LINE\` on $(date -u +%Y-%m-%dT%H:%M:%SZ)."
  echo
  echo "- Two channel-tcp transports in one JVM on 127.0.0.1 (TlsBench, channel-tcp's tests). A handshake is a"
  echo "  dial, the TLS handshake (TLS mode), IDENTITY both ways and the close, one after another; messages"
  echo "  are DATA packets sent on one open channel. One warm-up round first, not shown."
  echo "- TLS: TLS 1.3, mutual authentication with self-signed Ed25519 node certificates, JDK provider."
  echo "- Machine: $(nproc) CPUs, Linux $(uname -r), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)."
  echo
  printf '%s\n' "$table"
} | tee "$OUT"
echo "==> written to $OUT" >&2
