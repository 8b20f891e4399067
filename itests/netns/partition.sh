#!/usr/bin/env bash
# Partitions and heals a LAN built by lan.sh (same P2PNET_NS_PREFIX), and applies tc netem where the kernel has it.
#
#   partition.sh split I…      move the bridge ports of hosts I… to a second bridge br1 (in the bridge
#                              namespace): they still reach each other, but no frame crosses to the other
#                              hosts (a clean L2 partition: links stay up, TCP just stops getting answers)
#   partition.sh heal          put every port back on br0, delete br1
#   partition.sh netem-check   exit 0 and print "ok" when netem can be attached here; else the reason, exit 3
#   partition.sh netem I ARGS… tc qdisc replace dev eth0 root netem ARGS… inside host I (e.g. loss 5% delay 50ms)
#   partition.sh netem-clear I remove host I's root qdisc (succeeds when there is none)
#
# Nothing is created outside the namespaces of lan.sh; every command is bounded (no loops that wait).
set -Eeuo pipefail

PREFIX=${P2PNET_NS_PREFIX:-p2pnet}
BR_NS="$PREFIX-br"

die() { echo "partition.sh: $*" >&2; exit 1; }
host_ns() { echo "$PREFIX-ns$1"; }

need_lan() {
  ip netns list 2>/dev/null | awk '{print $1}' | grep -qx "$BR_NS" || die "no LAN: namespace $BR_NS does not exist (lan.sh up N first)"
}

cmd_split() {
  [ $# -ge 1 ] || die "usage: partition.sh split I…"
  need_lan
  if ! ip -n "$BR_NS" link show br1 >/dev/null 2>&1; then
    ip -n "$BR_NS" link add br1 type bridge stp_state 0 forward_delay 0 mcast_snooping 0
    ip -n "$BR_NS" link set br1 up
  fi
  local i
  for i in "$@"; do
    [[ "$i" =~ ^[0-9]+$ ]] || die "not a host number: $i"
    ip -n "$BR_NS" link set "h$i" master br1
  done
  echo "split: hosts $* on br1, the others on br0"
}

cmd_heal() {
  need_lan
  local port
  for port in $(ip -n "$BR_NS" -o link show master br1 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1); do
    ip -n "$BR_NS" link set "$port" master br0
  done
  ip -n "$BR_NS" link del br1 2>/dev/null || true
  echo "healed: every port on br0"
}

cmd_netem_check() {
  need_lan
  local ns err
  ns=$(host_ns 1)
  if ! err=$(ip netns exec "$ns" tc qdisc add dev eth0 root netem delay 1ms 2>&1); then
    echo "tc netem unavailable: ${err:-tc failed}"
    exit 3
  fi
  ip netns exec "$ns" tc qdisc del dev eth0 root 2>/dev/null || true
  echo ok
}

cmd_netem() {
  local i=${1:-}
  [[ "$i" =~ ^[0-9]+$ ]] || die "usage: partition.sh netem I ARGS…"
  shift
  need_lan
  ip netns exec "$(host_ns "$i")" tc qdisc replace dev eth0 root netem "$@"
  ip netns exec "$(host_ns "$i")" tc qdisc show dev eth0
}

cmd_netem_clear() {
  local i=${1:-}
  [[ "$i" =~ ^[0-9]+$ ]] || die "usage: partition.sh netem-clear I"
  ip netns exec "$(host_ns "$i")" tc qdisc del dev eth0 root 2>/dev/null || true
}

main() {
  local cmd=${1:-}
  [ $# -gt 0 ] && shift
  case "$cmd" in
    split) cmd_split "$@" ;;
    heal) cmd_heal ;;
    netem-check) cmd_netem_check ;;
    netem) cmd_netem "$@" ;;
    netem-clear) cmd_netem_clear "$@" ;;
    *) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
}

main "$@"
