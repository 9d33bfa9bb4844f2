# Network faults on the namespaced cluster of ops/cluster/up.sh --netns: partitions and a slow,
# lossy link. Source it after ops/cluster/lib.sh (with use_netns called) and common.sh.
#
# A partition between A and B drops, at both ends, every packet that arrives from the other one
# (iptables INPUT rules in each namespace; "root" is the root namespace with the producer and the
# verifier). Packets leave and vanish, as on a real network: no reset, no error on send, connects
# time out. A slow link queues the packets of a namespace's eth0 in both directions to
# ops/chaos/netdelay.py (netfilter queue), which holds each one for a random delay and drops a
# share of them; it stands in for `tc netem`, which many kernels are built without.

NETDELAY_QUEUE=7
NETDELAY_PID=""

# Checks that the fault tools are there (iptables, python3 for the slow link).
require_fault_tools() {
  command -v "$IPTABLES" >/dev/null 2>&1 \
    || die "iptables is needed for network faults (Debian: apt-get install iptables)"
  "$IPTABLES" -S INPUT >/dev/null 2>&1 || die "$IPTABLES cannot list rules: root and a kernel with ip_tables are needed"
  command -v python3 >/dev/null 2>&1 || die "python3 is needed for the slow-link fault (ops/chaos/netdelay.py)"
}

# Runs iptables in the namespace of a process, or in the root namespace for "root".
ipt_at() {
  local node="$1"
  shift
  if [ "$node" = root ]; then
    "$IPTABLES" "$@"
  else
    ip netns exec "$(ns_name "$node")" "$IPTABLES" "$@"
  fi
}

# cut_pair A B / heal_pair A B: start or end a partition between two processes (or root).
cut_pair() {
  ipt_at "$1" -I INPUT -s "$(addr_of "$2")" -j DROP
  ipt_at "$2" -I INPUT -s "$(addr_of "$1")" -j DROP
}
heal_pair() {
  ipt_at "$1" -D INPUT -s "$(addr_of "$2")" -j DROP 2>/dev/null || true
  ipt_at "$2" -D INPUT -s "$(addr_of "$1")" -j DROP 2>/dev/null || true
}

# Every other process and the root namespace.
peers_of() {
  local node
  for node in $(ns_nodes) root; do [ "$node" != "$1" ] && echo "$node"; done
  return 0
}

isolate() {
  local peer
  for peer in $(peers_of "$1"); do cut_pair "$1" "$peer"; done
}
unisolate() {
  local peer
  for peer in $(peers_of "$1"); do heal_pair "$1" "$peer"; done
}

# slow_link NODE DELAY_MS JITTER_MS LOSS_PCT: every packet in and out of NODE's eth0 waits
# DELAY_MS +- JITTER_MS and LOSS_PCT % of them are lost. fast_link NODE ends it.
slow_link() {
  local node="$1" ns
  ns="$(ns_name "$node")"
  ip netns exec "$ns" python3 "$ROOT_DIR/ops/chaos/netdelay.py" "$NETDELAY_QUEUE" "$2" "$3" "$4" \
    >>"$LOG_DIR/netdelay-$node.out" 2>&1 &
  NETDELAY_PID=$!
  sleep 0.5
  kill -0 "$NETDELAY_PID" 2>/dev/null || die "netdelay.py did not start; see $LOG_DIR/netdelay-$node.out"
  ip netns exec "$ns" "$IPTABLES" -A OUTPUT -o eth0 -j NFQUEUE --queue-num "$NETDELAY_QUEUE" --queue-bypass
  ip netns exec "$ns" "$IPTABLES" -A INPUT -i eth0 -j NFQUEUE --queue-num "$NETDELAY_QUEUE" --queue-bypass
}
fast_link() {
  local node="$1" ns
  ns="$(ns_name "$node")"
  ip netns exec "$ns" "$IPTABLES" -D OUTPUT -o eth0 -j NFQUEUE --queue-num "$NETDELAY_QUEUE" --queue-bypass 2>/dev/null || true
  ip netns exec "$ns" "$IPTABLES" -D INPUT -i eth0 -j NFQUEUE --queue-num "$NETDELAY_QUEUE" --queue-bypass 2>/dev/null || true
  if [ -n "$NETDELAY_PID" ]; then
    kill "$NETDELAY_PID" 2>/dev/null || true
    wait "$NETDELAY_PID" 2>/dev/null || true
    NETDELAY_PID=""
  fi
}
