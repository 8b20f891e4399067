#!/usr/bin/env bash
# The benchmark suite behind `./p2pnet bench`: runs every benchmark of issue 9 one after another on
# this machine (nothing else should run meanwhile), then writes benchmarks/REPORT.md with its charts
# in benchmarks/charts/ from what this run measured. About 10 minutes on 2 cores, after the build.
#
#   ./p2pnet bench [--quick] [--only LIST] [--skip LIST] [--out FILE] [--results DIR] [--no-build]
#
#   --quick        tiny sizes, one run each: checks that the suite works (a minute or two); writes
#                  benchmarks/target/REPORT-quick.md unless --out is given, never the real report
#   --only LIST    comma-separated benchmarks to run: jmh, messages, messages-before, idle-channels,
#                  file-transfer, genesis-http, lan-discovery (default: all)
#   --skip LIST    benchmarks not to run
#   --out FILE     the report (default benchmarks/REPORT.md; charts go to charts/ beside it)
#   --results DIR  where each benchmark writes <name>.json and <name>.log (default
#                  benchmarks/target/results/<UTC time>)
#   --no-build     use what is built (benchmarks module, distributions) without running Maven
#   --before REV   messages-before measures the message benchmark again with the core and channel-tcp
#                  of REV (default 69ded83, the last commit before issue 9's hot-path fixes)
#
# What each benchmark needs beyond Java: file-transfer installs iperf3 and genesis-http installs wrk
# with apt when they are missing (root needed then); lan-discovery needs root and `ip netns` and is
# skipped, with the reason in the report, without them. All traffic stays on 127.0.0.0/8 or inside
# network namespaces the benchmark creates; every benchmark is bounded in time.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ALL="jmh messages messages-before idle-channels file-transfer genesis-http lan-discovery"
QUICK=0
ONLY=""
SKIP=""
OUT=""
RESULTS=""
BUILD=1
BEFORE_REV_DEFAULT=69ded83
BEFORE_REV=$BEFORE_REV_DEFAULT
COMMAND_LINE="./p2pnet bench"
for a in "$@"; do
  # shown in the report as typed: quoted only when the shell would need it
  if [[ "$a" =~ ^[A-Za-z0-9_./,=:+-]+$ ]]; then COMMAND_LINE+=" $a"; else COMMAND_LINE+=$(printf ' %q' "$a"); fi
done

die() { echo "bench: $*" >&2; exit 1; }
say() { printf '\033[1m==>\033[0m %s\n' "$*" >&2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1; shift ;;
    --only) ONLY=${2:?--only needs a list, e.g. messages,jmh}; shift 2 ;;
    --skip) SKIP=${2:?--skip needs a list, e.g. lan-discovery}; shift 2 ;;
    --out) OUT=${2:?--out needs a file}; shift 2 ;;
    --results) RESULTS=${2:?--results needs a directory}; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --before) BEFORE_REV=${2:?--before needs a git revision}; shift 2 ;;
    -h|--help) sed -n '2,26p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option '$1' (see ./p2pnet bench --help)" ;;
  esac
done
for name in ${ONLY//,/ } ${SKIP//,/ }; do
  case " $ALL " in *" $name "*) ;; *) die "unknown benchmark '$name'; known: ${ALL// /, }" ;; esac
done
selected() {
  local name=$1
  if [ -n "$ONLY" ]; then case ",$ONLY," in *",$name,"*) ;; *) return 1 ;; esac; fi
  case ",$SKIP," in *",$name,"*) return 1 ;; esac
  return 0
}

if [ -z "${JAVA_HOME:-}" ]; then JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"; fi
export JAVA_HOME
JAVA="$JAVA_HOME/bin/java"
cd "$ROOT"
if [ -z "$OUT" ]; then
  if [ "$QUICK" = 1 ]; then OUT="$ROOT/benchmarks/target/REPORT-quick.md"; else OUT="$ROOT/benchmarks/REPORT.md"; fi
fi
mkdir -p "$(dirname "$OUT")"
OUT="$(cd "$(dirname "$OUT")" && pwd)/$(basename "$OUT")"
[ -n "$RESULTS" ] || RESULTS="$ROOT/benchmarks/target/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$RESULTS" || die "cannot create $RESULTS"
RESULTS="$(cd "$RESULTS" && pwd)"

node_tgz() { ls "$ROOT"/karaf-assembly/target/p2pnet-node-*.tar.gz 2>/dev/null | head -1; }
genesis_tgz() { ls "$ROOT"/bootstrap-node/target/p2pnet-bootstrap-node-*.tar.gz 2>/dev/null | head -1; }
if [ "$BUILD" = 1 ]; then
  # everything, distributions included: file-transfer, genesis-http and lan-discovery run the
  # distributions, which must hold the bundles being measured (about 30 s when up to date)
  say "building p2pnet with the distributions (./mvnw -B -q install -DskipTests)"
  ./mvnw -B -q install -DskipTests >&2 || die "build failed"
fi
[ -n "$(node_tgz)" ] && [ -n "$(genesis_tgz)" ] || die "the node or bootstrap-node distribution is missing: build first (drop --no-build)"
[ -f benchmarks/target/bench-classpath.txt ] || die "benchmarks/target/bench-classpath.txt is missing: build first (drop --no-build)"
CP="$ROOT/benchmarks/target/classes:$(cat benchmarks/target/bench-classpath.txt)"
JAVA_OPTS=(-Djava.awt.headless=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn)
QUICK_ARG=()
[ "$QUICK" = 1 ] && QUICK_ARG=(--quick)

SKIPPED=()
FAILED=()
declare -A SECONDS_TAKEN
# run NAME COMMAND...: runs one benchmark with its output in RESULTS/NAME.log, bounded by 20 minutes
run() {
  local name=$1; shift
  local start=$SECONDS status
  say "$name (log: $RESULTS/$name.log)"
  timeout --kill-after=30 1200 "$@" > >(tee "$RESULTS/$name.log" >&2) 2>&1
  status=$?
  SECONDS_TAKEN[$name]=$((SECONDS - start))
  if [ $status -ne 0 ]; then
    FAILED+=("$name")
    SKIPPED+=("$name: failed with exit status $status after ${SECONDS_TAKEN[$name]} s; its log is $RESULTS/$name.log")
    say "$name FAILED (exit $status); continuing with the next benchmark"
  elif [ ! -f "$RESULTS/$name.json" ]; then
    FAILED+=("$name")
    SKIPPED+=("$name: wrote no $name.json; its log is $RESULTS/$name.log")
  else
    say "$name done in ${SECONDS_TAKEN[$name]} s"
  fi
}

# the commit measured, as it is now (the report is written at the end)
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -z "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ] || COMMIT+=" with uncommitted changes"
suite_start=$SECONDS
selected jmh && run jmh "$JAVA" "${JAVA_OPTS[@]}" -cp "$CP" org.p2pnet.bench.JmhSuite --out "$RESULTS" "${QUICK_ARG[@]}"
selected messages && run messages "$JAVA" "${JAVA_OPTS[@]}" -cp "$CP" org.p2pnet.bench.MessageBench \
  --out "$RESULTS" "${QUICK_ARG[@]}"
if selected messages-before; then
  if [ "$QUICK" = 1 ]; then args=(--quick --runs 1); else args=(--runs 3); fi
  run messages-before benchmarks/before-after.sh --rev "$BEFORE_REV" --out "$RESULTS" "${args[@]}"
fi
selected idle-channels && run idle-channels "$JAVA" "${JAVA_OPTS[@]}" -cp "$CP" org.p2pnet.bench.IdleChannelsBench \
  --out "$RESULTS" "${QUICK_ARG[@]}"
if selected file-transfer; then
  if [ "$QUICK" = 1 ]; then args=(--size-mib 32 --runs 1); else args=(--size-mib 256 --runs 3); fi
  run file-transfer benchmarks/file-transfer.sh "${args[@]}" --storage tmpfs --out "$RESULTS/file-transfer.md" \
    --results "$RESULTS"
fi
if selected genesis-http; then
  if [ "$QUICK" = 1 ]; then args=(--duration 5 --runs 1); else args=(--duration 5 --runs 3); fi
  run genesis-http benchmarks/genesis-http.sh "${args[@]}" --out "$RESULTS/genesis-http.md" --results "$RESULTS"
fi
if selected lan-discovery; then
  if [ "$(id -u)" != 0 ] || ! ip netns list >/dev/null 2>&1; then
    SKIPPED+=("lan-discovery: needs root and \`ip netns\` (two hosts are two network namespaces); not available here")
    say "lan-discovery skipped: needs root and ip netns"
  else
    if [ "$QUICK" = 1 ]; then args=(--runs 2); else args=(--runs 5); fi
    run lan-discovery itests/netns/discovery-bench.sh "${args[@]}" --out "$RESULTS/lan-discovery.md" \
      --results "$RESULTS"
  fi
fi

printf 'commit=%s\nmeasured-at=%s\n' "$COMMIT" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$RESULTS/run.properties"
skipped_args=()
for s in "${SKIPPED[@]}"; do skipped_args+=(--skipped "$s"); done
say "writing $OUT"
"$JAVA" "${JAVA_OPTS[@]}" -cp "$CP" org.p2pnet.bench.ReportWriter --results "$RESULTS" --out "$OUT" \
  --charts "$(dirname "$OUT")/charts" --command "$COMMAND_LINE" --notes "$ROOT/benchmarks/report-notes.md" \
  "${skipped_args[@]}" || die "the report could not be written"
if [ "$OUT" = "$ROOT/benchmarks/REPORT.md" ]; then
  # the figures behind the committed report, so it can be checked or rewritten without measuring again
  rm -f "$ROOT"/benchmarks/results/*.json "$ROOT"/benchmarks/results/run.properties
  mkdir -p "$ROOT/benchmarks/results"
  cp -p "$RESULTS"/*.json "$RESULTS/run.properties" "$ROOT/benchmarks/results/"
fi
say "suite took $((SECONDS - suite_start)) s; per benchmark:$(for k in "${!SECONDS_TAKEN[@]}"; do printf ' %s %ss' "$k" "${SECONDS_TAKEN[$k]}"; done)"
if [ ${#FAILED[@]} -gt 0 ]; then
  say "failed: ${FAILED[*]} (the report says so)"
  exit 1
fi
say "report: $OUT"
