#!/usr/bin/env bash
# Stops the cluster that ops/cluster/up.sh started: TaskManagers, JobManager, then the brokers.
# Only the processes recorded in ops/cluster/target/run/pids are signalled.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<USAGE
Usage: ops/cluster/down.sh [--purge] [--netns]

Stops the Flink TaskManagers and JobManager, then the Kafka brokers (SIGTERM, SIGKILL after 20 s).

Options:
  --purge     also delete the run folder (topics, checkpoints, logs): $RUN_DIR
  --netns     stop the namespaced cluster of up.sh --netns and delete its namespaces and bridge
  -h, --help  show this help
USAGE
}

PURGE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --purge) PURGE=1 ;;
    --netns) use_netns ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
  esac
  shift
done

stopped=0
# Each group is stopped at once: a last broker standing would wait for a controller quorum that
# its stopped peers can no longer form.
for group in "taskmanager-1 taskmanager-2" "jobmanager" "broker-1 broker-2 broker-3"; do
  pids=()
  for name in $group; do
    if is_running "$name"; then
      say "stopping $name (pid $(pid_of "$name"))"
      stop_process "$name" 30 &
      pids+=($!)
      stopped=$((stopped + 1))
    else
      rm -f "$PID_DIR/$name.pid"
    fi
  done
  for pid in "${pids[@]}"; do wait "$pid"; done
done
say "stopped $stopped processes"
if [ "$NETNS" = 1 ]; then
  netns_destroy
  say "deleted the namespaces $NS_PREFIX-* and the bridge $NS_BRIDGE"
fi
if [ "$PURGE" = 1 ]; then
  say "deleting $RUN_DIR"
  rm -rf "$RUN_DIR"
fi
