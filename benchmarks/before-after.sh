#!/usr/bin/env bash
# The message benchmark against an earlier p2pnet, for the report's before / after: builds the core
# and channel-tcp bundles of revision REV in a temporary git worktree (nothing is installed into
# ~/.m2), then runs MessageBench with those two jars in place of the current ones, p2pnet beside
# JGroups again (JGroups is the control: it shows what the machine gave this run). Writes
# DIR/messages-before.json (Results format) beside the suite's messages.json.
#
#   benchmarks/before-after.sh --rev REV --out DIR [--runs N] [--quick]
#
# Needs the benchmarks module built (benchmarks/target/bench-classpath.txt) and git.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REV=""
OUT=""
RUNS=3
QUICK=()
COMMAND_LINE="benchmarks/before-after.sh"
[ $# -eq 0 ] || COMMAND_LINE+=$(printf ' %q' "$@")
while [ $# -gt 0 ]; do
  case "$1" in
    --rev) REV=${2:?--rev needs a git revision}; shift 2 ;;
    --out) OUT=${2:?--out needs a directory}; shift 2 ;;
    --runs) RUNS=${2:?--runs needs a number}; shift 2 ;;
    --quick) QUICK=(--quick); shift ;;
    -h|--help) sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "before-after: unknown option '$1'" >&2; exit 2 ;;
  esac
done
[ -n "$REV" ] && [ -n "$OUT" ] || { echo "before-after: --rev and --out are required" >&2; exit 2; }
[[ "$RUNS" =~ ^[1-9][0-9]?$ ]] || { echo "before-after: --runs must be 1-99, got '$RUNS'" >&2; exit 2; }
cd "$ROOT"
git rev-parse --verify --quiet "$REV^{commit}" >/dev/null || { echo "before-after: '$REV' is not a commit here" >&2; exit 2; }
SHORT=$(git rev-parse --short "$REV")
CPFILE="$ROOT/benchmarks/target/bench-classpath.txt"
[ -f "$CPFILE" ] || { echo "before-after: $CPFILE is missing: build the benchmarks module first" >&2; exit 1; }
if [ -z "${JAVA_HOME:-}" ]; then JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"; fi
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"

WORK=$(mktemp -d /tmp/p2pnet-before.XXXXXX)
cleanup() {
  git -C "$ROOT" worktree remove --force "$WORK/src" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
echo "==> building core and channel-tcp of $SHORT in a temporary worktree" >&2
git -C "$ROOT" worktree add --detach "$WORK/src" "$REV" >/dev/null 2>&1
(cd "$WORK/src" && ./mvnw -B -q -o package -DskipTests -pl bundles/core,bundles/channel-tcp >&2) \
  || (cd "$WORK/src" && ./mvnw -B -q package -DskipTests -pl bundles/core,bundles/channel-tcp >&2)
OLD_CORE=$(ls "$WORK"/src/bundles/core/target/org.p2pnet.core-*.jar | grep -v sources | head -1)
OLD_TCP=$(ls "$WORK"/src/bundles/channel-tcp/target/org.p2pnet.channel.tcp-*.jar | grep -v sources | head -1)
[ -f "$OLD_CORE" ] && [ -f "$OLD_TCP" ] || { echo "before-after: the build of $SHORT made no jars" >&2; exit 1; }
# the current classes and dependencies, with the two jars of REV in place of the current ones
cp -r "$ROOT/benchmarks/target/classes" "$WORK/classes"
CP="$WORK/classes"
IFS=: read -r -a entries < "$CPFILE" || true  # no newline at the end of the file
for e in "${entries[@]}"; do
  case "$(basename "$e")" in
    org.p2pnet.core-*.jar) CP+=":$OLD_CORE" ;;
    org.p2pnet.channel.tcp-*.jar) CP+=":$OLD_TCP" ;;
    *) CP+=":$e" ;;
  esac
done
echo "==> MessageBench with core and channel-tcp of $SHORT" >&2
"$JAVA_HOME/bin/java" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" org.p2pnet.bench.MessageBench \
  --systems p2pnet,jgroups --runs "$RUNS" "${QUICK[@]}" --out "$WORK/results" >&2
python3 - "$WORK/results/messages.json" "$OUT/messages-before.json" "$SHORT" "$COMMAND_LINE" <<'EOF'
import json, sys
src, dst, rev, command = sys.argv[1:5]
bench = json.load(open(src))
bench["name"] = "messages-before"
bench["title"] = "Before: message rate and latency with core and channel-tcp of " + rev
bench["command"] = command
bench["setup"] = ["Core and channel-tcp built from " + rev + " (before this round's hot-path fixes), everything else"
                  " as in the run above; JGroups again as the control."] + bench.get("setup", [])
json.dump(bench, open(dst, "w"), indent=2)
EOF
echo "==> wrote $OUT/messages-before.json" >&2
