#!/usr/bin/env bash
# A private LAN of network namespaces for p2pnet multi-host tests.
#
#   lan.sh check        exit 0 and print "ok" when this machine can build the LAN; else print why, exit 3
#   lan.sh up N         (re)create hosts p2pnet-ns1..N on 10.213.77.0/24 (host i = 10.213.77.(10+i))
#   lan.sh down         delete everything this script creates (succeeds when nothing exists)
#   lan.sh status       list the namespaces, addresses and bridge ports
#   lan.sh exec I CMD…  run CMD inside host I's namespace
#   lan.sh selftest     prove TCP, UDP broadcast, IPv4 and IPv6 multicast between the hosts of a LAN that is up
#   lan.sh hold-lock [S] wait up to S s (default 600) for the session lock, print "locked", hold it
#                       until stdin closes (at most 2 h): one test run or benchmark owns the LAN at a time
#
# Layout: each host namespace has lo and eth0 (one end of a veth pair); the other ends (h1..hN)
# are ports of bridge br0, which lives in a namespace of its own (p2pnet-br). Nothing is ever
# created in the root namespace: interfaces are created inside the namespaces directly, the
# subnet is assigned only there, and there is no default route, so no packet can leave.
#
# P2PNET_NS_PREFIX (default "p2pnet") changes the namespace names, e.g. for two runs side by side.
set -Eeuo pipefail

PREFIX=${P2PNET_NS_PREFIX:-p2pnet}
BR_NS="$PREFIX-br"
NET=10.213.77           # the /24; exists only inside the namespaces
MCAST_GROUP=239.255.77.1 # used only by selftest
MCAST_GROUP6=ff02::77:1  # used only by selftest (IPv6 link-local scope)
MAX_HOSTS=100
LOCK="/run/lock/$PREFIX-lan.lock"                 # held during up/down
SESSION_LOCK="/run/lock/$PREFIX-lan-session.lock" # held by a whole test run or benchmark (hold-lock)
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

die() { echo "lan.sh: $*" >&2; exit 1; }
host_ns() { echo "$PREFIX-ns$1"; }
host_ip() { echo "$NET.$((10 + $1))"; }

# our namespaces, one a line (only names this script creates)
our_namespaces() {
  ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^${PREFIX}-(ns[0-9]+|br)\$" || true
}

# host_count: how many host namespaces exist now
host_count() { our_namespaces | grep -c -E "^${PREFIX}-ns[0-9]+\$" || true; }

# the subnet must never appear in the root namespace
root_ns_clean() {
  # output captured first: with pipefail, grep -q ending early could make a match look like a miss
  local addrs routes
  addrs=$(ip -4 addr show 2>/dev/null || true)
  routes=$(ip -4 route show table all 2>/dev/null || true)
  ! grep -q " $NET\." <<<"$addrs" && ! grep -q "$NET\." <<<"$routes"
}

with_lock() {
  mkdir -p "$(dirname "$LOCK")"
  exec 9>"$LOCK"
  flock -w 120 9 || die "another lan.sh holds $LOCK for more than 120 s"
}

cmd_check() {
  if [ "$(id -u)" != 0 ]; then echo "not root (uid $(id -u)): network namespaces need root"; exit 3; fi
  if ! command -v ip >/dev/null 2>&1; then echo "no 'ip' command (install iproute2)"; exit 3; fi
  if ! command -v flock >/dev/null 2>&1; then echo "no 'flock' command (install util-linux)"; exit 3; fi
  local probe="$PREFIX-probe$$" err
  if ! err=$(ip netns add "$probe" 2>&1); then
    echo "network namespaces not permitted: $err"; exit 3
  fi
  # veth and bridge, created inside the probe namespace only
  if ! err=$( { ip -n "$probe" link add p0 type veth peer name p1 && ip -n "$probe" link add b0 type bridge; } 2>&1); then
    ip netns del "$probe" 2>/dev/null || true
    echo "veth/bridge not permitted in a namespace: $err"; exit 3
  fi
  ip netns del "$probe" 2>/dev/null || true
  echo ok
}

# kill_ns_processes NS: end the processes running in NS (all were started inside our namespaces),
# TERM first, KILL after a bounded wait
kill_ns_processes() {
  local ns=$1 pids i
  pids=$(ip netns pids "$ns" 2>/dev/null || true)
  [ -n "$pids" ] || return 0
  # shellcheck disable=SC2086
  kill -TERM $pids 2>/dev/null || true
  for i in $(seq 1 100); do # at most 10 s
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    [ -n "$pids" ] || return 0
    sleep 0.1
  done
  echo "lan.sh: processes still in $ns after 10 s, killing: $pids" >&2
  # shellcheck disable=SC2086
  kill -KILL $pids 2>/dev/null || true
  for i in $(seq 1 50); do
    [ -n "$(ip netns pids "$ns" 2>/dev/null || true)" ] || return 0
    sleep 0.1
  done
}

do_down() {
  local ns
  for ns in $(our_namespaces); do
    kill_ns_processes "$ns"
    # deleting a namespace deletes its interfaces, and a veth pair goes with either end
    ip netns del "$ns" 2>/dev/null || true
  done
  [ -z "$(our_namespaces)" ] || die "could not delete: $(our_namespaces | tr '\n' ' ')"
}

cmd_down() {
  with_lock
  do_down
}

cmd_up() {
  local n=${1:-}
  [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] && [ "$n" -le "$MAX_HOSTS" ] || die "usage: lan.sh up N (1..$MAX_HOSTS)"
  local why
  why=$(cmd_check) || die "$why"
  with_lock
  root_ns_clean || { echo "lan.sh: $NET.0/24 is in use in the root namespace; refusing" >&2; exit 4; }
  do_down # leftovers of an earlier run
  trap 'echo "lan.sh: up failed or interrupted, removing what was created" >&2; trap - ERR INT TERM; do_down; exit 1' ERR INT TERM

  ip netns add "$BR_NS"
  ip -n "$BR_NS" link set lo up
  # a plain switch: no STP delay, no IGMP snooping (multicast is flooded to every port)
  ip -n "$BR_NS" link add br0 type bridge stp_state 0 forward_delay 0 mcast_snooping 0
  ip -n "$BR_NS" link set br0 up

  local i ns
  for i in $(seq 1 "$n"); do
    ns=$(host_ns "$i")
    ip netns add "$ns"
    # no IPv6 duplicate address detection: link-local addresses (and IPv6 multicast) usable at once
    ip netns exec "$ns" sh -c 'echo 0 >/proc/sys/net/ipv6/conf/default/accept_dad; echo 0 >/proc/sys/net/ipv6/conf/all/accept_dad' 2>/dev/null || true
    ip -n "$ns" link set lo up
    # both ends are born inside namespaces: eth0 in the host, h$i in the bridge namespace
    ip -n "$ns" link add eth0 type veth peer name "h$i" netns "$BR_NS"
    ip -n "$BR_NS" link set "h$i" master br0
    ip -n "$BR_NS" link set "h$i" up
    ip -n "$ns" addr add "$(host_ip "$i")/24" brd + dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" route add 224.0.0.0/4 dev eth0
  done
  trap - ERR INT TERM

  root_ns_clean || { do_down; die "$NET.0/24 appeared in the root namespace; LAN removed"; }
  # links come up asynchronously: wait (bounded) until every host's eth0 is UP with its address
  local deadline=$((SECONDS + 10))
  for i in $(seq 1 "$n"); do
    until grep -q "$(host_ip "$i")/24" <<<"$(ip -n "$(host_ns "$i")" -4 addr show dev eth0 up 2>/dev/null || true)"; do
      [ "$SECONDS" -lt "$deadline" ] || { do_down; die "eth0 of $(host_ns "$i") not up within 10 s"; }
      sleep 0.1
    done
  done
  echo "up: $n hosts on $NET.0/24 ($(for i in $(seq 1 "$n"); do printf '%s=%s ' "$(host_ns "$i")" "$(host_ip "$i")"; done)), bridge br0 in $BR_NS"
}

cmd_status() {
  local ns
  if [ -z "$(our_namespaces)" ]; then echo "no namespaces"; return 0; fi
  for ns in $(our_namespaces); do
    echo "== $ns"
    ip -n "$ns" -br addr 2>/dev/null || true
    ip -n "$ns" route 2>/dev/null | sed 's/^/   route: /' || true
  done
  root_ns_clean && echo "root namespace: no $NET.0/24 address or route" || echo "root namespace: $NET.0/24 PRESENT (must not be)"
}

cmd_exec() {
  local i=${1:-}
  [[ "$i" =~ ^[0-9]+$ ]] || die "usage: lan.sh exec I COMMAND..."
  shift
  exec ip netns exec "$(host_ns "$i")" "$@"
}

# selftest: with the LAN up, TCP from host 1 to host 2, and a UDP broadcast, an IPv4 and an IPv6
# multicast datagram from host 1 received by every other host. Everything is bounded (timeouts).
SELFTEST_PIDS=()
SELFTEST_TMP=
selftest_cleanup() {
  local p
  for p in "${SELFTEST_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -z "$SELFTEST_TMP" ] || rm -rf "$SELFTEST_TMP"
}

cmd_selftest() {
  local n i tmp ok=0 java_home p
  n=$(host_count)
  [ "$n" -ge 2 ] || die "selftest needs 'lan.sh up N' with N >= 2 first"
  java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
  tmp=$(mktemp -d); SELFTEST_TMP=$tmp
  trap selftest_cleanup EXIT
  "$java_home/bin/javac" -d "$tmp" "$HERE/NetProbe.java"
  probe() { local ns=$1; shift; timeout 20 ip netns exec "$ns" "$java_home/bin/java" -cp "$tmp" NetProbe "$@"; }

  # listeners first, then senders that repeat (bounded) so that a slow listener still hears one
  probe "$(host_ns 2)" listen-tcp 47000 15000 >"$tmp/tcp.out" 2>&1 & SELFTEST_PIDS+=($!)
  for i in $(seq 2 "$n"); do
    probe "$(host_ns "$i")" listen-udp 47001 - 15000 >"$tmp/bcast$i.out" 2>&1 & SELFTEST_PIDS+=($!)
    probe "$(host_ns "$i")" listen-udp 47002 "$MCAST_GROUP" 15000 >"$tmp/mcast$i.out" 2>&1 & SELFTEST_PIDS+=($!)
    probe "$(host_ns "$i")" listen-udp 47003 "$MCAST_GROUP6" 15000 >"$tmp/mcast6-$i.out" 2>&1 & SELFTEST_PIDS+=($!)
  done
  probe "$(host_ns 1)" send-tcp "$(host_ip 2)" 47000 "tcp-from-ns1" 15000 >"$tmp/tcp-send.out" 2>&1 || true
  probe "$(host_ns 1)" send-udp "$NET.255" 47001 "broadcast-from-ns1" 20 200 >/dev/null 2>&1 & SELFTEST_PIDS+=($!)
  probe "$(host_ns 1)" send-udp "$MCAST_GROUP" 47002 "multicast-from-ns1" 20 200 >/dev/null 2>&1 & SELFTEST_PIDS+=($!)
  probe "$(host_ns 1)" send-udp "$MCAST_GROUP6" 47003 "multicast6-from-ns1" 20 200 >/dev/null 2>&1 & SELFTEST_PIDS+=($!)
  for p in "${SELFTEST_PIDS[@]}"; do wait "$p" || true; done
  SELFTEST_PIDS=()

  check_out() { # LABEL FILE TEXT
    if grep -q "$3" "$2"; then echo "ok   $1: $(head -1 "$2")"; else echo "FAIL $1: $(head -3 "$2" | tr '\n' ' ')"; ok=1; fi
  }
  check_out "tcp ns1 -> $(host_ip 2)" "$tmp/tcp.out" "tcp-from-ns1"
  for i in $(seq 2 "$n"); do
    check_out "broadcast ns1 -> $NET.255 heard in ns$i" "$tmp/bcast$i.out" "broadcast-from-ns1 from /$(host_ip 1)"
    check_out "multicast ns1 -> $MCAST_GROUP heard in ns$i" "$tmp/mcast$i.out" "multicast-from-ns1 from /$(host_ip 1)"
    check_out "multicast ns1 -> $MCAST_GROUP6 heard in ns$i" "$tmp/mcast6-$i.out" "multicast6-from-ns1 from /fe80:"
  done
  if root_ns_clean; then echo "ok   root namespace has no $NET.0/24 address or route"; else echo "FAIL root namespace has $NET.0/24"; ok=1; fi
  return $ok
}

cmd_hold_lock() {
  local wait=${1:-600}
  [[ "$wait" =~ ^[0-9]+$ ]] || die "usage: lan.sh hold-lock [SECONDS]"
  mkdir -p "$(dirname "$SESSION_LOCK")"
  exec 8>"$SESSION_LOCK"
  if ! flock -w "$wait" 8; then echo "timeout: another test run or benchmark held $SESSION_LOCK for $wait s"; exit 5; fi
  echo locked
  # cat does not inherit the lock's descriptor: the lock goes when this shell goes
  timeout 7200 cat >/dev/null 8>&- || true
}

main() {
  local cmd=${1:-}
  [ $# -gt 0 ] && shift
  case "$cmd" in
    check) cmd_check ;;
    up) cmd_up "$@" ;;
    down) cmd_down ;;
    status) cmd_status ;;
    exec) cmd_exec "$@" ;;
    selftest) cmd_selftest ;;
    hold-lock) cmd_hold_lock "$@" ;;
    *) sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
}

main "$@"
