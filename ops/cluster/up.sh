#!/usr/bin/env bash
# Starts a real Polyroute cluster on this machine from Maven artifacts only: a three-broker Kafka
# cluster in KRaft mode (replication factor 3, min.insync.replicas=2) and a standalone Flink
# session cluster (one JobManager, two TaskManagers), each a separate JVM on loopback ports.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<USAGE
Usage: ops/cluster/up.sh [--fresh] [--kafka-only] [--netns]

Starts 3 Kafka brokers (KRaft, RF 3, min ISR 2) and a Flink JobManager with 2 TaskManagers, each
in its own JVM, from the Maven artifacts listed in ops/cluster/deps/*/pom.xml. Idempotent: what
already runs is left alone. Stop everything with ops/cluster/down.sh.

Options:
  --fresh        delete the previous run's data (topics, checkpoints, logs) before starting
  --kafka-only   start only the Kafka brokers
  --netns        start every broker, the JobManager and every TaskManager in its own network
                 namespace with its own address on a bridge ($NS_BRIDGE, $NS_SUBNET.0/24; needs
                 root and iproute2), run folder target/netrun; implies --fresh. Stop it with
                 ops/cluster/down.sh --netns. If the start fails or is interrupted, everything
                 it created is removed again.
  -h, --help     show this help

Environment:
  POLYROUTE_CLUSTER_PORT_BASE  first port of the block the cluster uses (default 29100)
  POLYROUTE_CLUSTER_SLOTS      task slots per TaskManager (default 2)
  POLYROUTE_TM_PROCESS_SIZE    TaskManager process memory (default 2048m)
  POLYROUTE_BROKER_HEAP        heap of each broker (default 512m)

Endpoints (default base): Kafka $(bootstrap_servers), Flink REST and web UI $REST_URL
USAGE
}

FRESH=0
WITH_FLINK=1
while [ $# -gt 0 ]; do
  case "$1" in
    --fresh) FRESH=1 ;;
    --kafka-only) WITH_FLINK=0 ;;
    --netns) use_netns; FRESH=1 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
  esac
  shift
done

command -v java >/dev/null || die "java is not on the PATH (Java 17 or later is required)"
command -v mvn >/dev/null || die "mvn is not on the PATH (needed once to resolve the classpaths)"
command -v curl >/dev/null || die "curl is not on the PATH"

if [ "$NETNS" = 1 ]; then
  command -v ip >/dev/null || die "the ip command (iproute2) is needed for --netns"
  netns_exists && die "a namespaced cluster with port base $PORT_BASE exists (bridge $NS_BRIDGE); stop it with ops/cluster/down.sh --netns or set POLYROUTE_CLUSTER_PORT_BASE"
  # A half-started namespaced cluster is removed again, on failure and on Ctrl-C alike.
  STARTED_OK=0
  netns_cleanup_on_failure() {
    local rc=$?
    if [ "$STARTED_OK" = 0 ]; then
      say "start failed or interrupted; removing the namespaced cluster"
      for name in $(ns_nodes); do stop_process "$name" 5 >/dev/null 2>&1 || true; done
      netns_destroy
    fi
    exit "$rc"
  }
  trap netns_cleanup_on_failure EXIT
  trap 'exit 130' INT TERM
fi

if [ "$FRESH" = 1 ]; then
  for name in jobmanager taskmanager-1 taskmanager-2 broker-1 broker-2 broker-3; do
    is_running "$name" && die "$name is still running; run ops/cluster/down.sh before --fresh"
  done
  say "deleting the previous run in $RUN_DIR"
  rm -rf "$RUN_DIR"
fi
mkdir -p "$CONF_DIR" "$LOG_DIR" "$PID_DIR" "$DATA_DIR"
if [ "$NETNS" = 1 ]; then
  say "creating network namespaces $NS_PREFIX-* on bridge $NS_BRIDGE ($NS_SUBNET.0/24)"
  netns_create
fi

ensure_classpath kafka
[ "$WITH_FLINK" = 1 ] && ensure_classpath flink

# --- Kafka ---
CLUSTER_ID_FILE="$DATA_DIR/kafka-cluster-id"
if [ ! -s "$CLUSTER_ID_FILE" ]; then
  # A KRaft cluster id is 16 random bytes in URL-safe base64 without padding; one that starts
  # with '-' would be read as an option by the storage tool.
  id="-"
  while [[ "$id" == -* ]]; do id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"; done
  echo "$id" >"$CLUSTER_ID_FILE"
fi
CLUSTER_ID="$(cat "$CLUSTER_ID_FILE")"
to_start=()
for ((i = 1; i <= BROKERS; i++)); do
  if is_running "broker-$i"; then
    say "broker $i already runs (pid $(pid_of "broker-$i"))"
    continue
  fi
  for port in "$(broker_port "$i")" "$(controller_port "$i")"; do
    [ "$NETNS" = 0 ] && port_in_use "$port" && die "port $port is taken by another process; set POLYROUTE_CLUSTER_PORT_BASE"
  done
  write_broker_config "$i"
  to_start+=("$i")
done
# Formatting is a JVM start each: do the three at once.
format_pids=()
for i in "${to_start[@]}"; do
  if [ ! -f "$DATA_DIR/kafka-$i/meta.properties" ]; then
    format_broker "$i" "$CLUSTER_ID" &
    format_pids+=($!)
  fi
done
for pid in "${format_pids[@]}"; do
  wait "$pid" || die "formatting a broker's storage failed; see $LOG_DIR/broker-*-format.out"
done
for i in "${to_start[@]}"; do
  say "starting Kafka broker $i on $(addr_of "broker-$i"):$(broker_port "$i") (controller $(controller_port "$i"))"
  start_broker "$i"
done
await_kafka 240
say "Kafka brokers listening: $(bootstrap_servers)"

# --- Flink ---
if [ "$WITH_FLINK" = 1 ]; then
  write_flink_config
  if is_running jobmanager; then
    say "JobManager already runs (pid $(pid_of jobmanager))"
  else
    for port in "$JM_RPC_PORT" "$REST_PORT" "$BLOB_PORT"; do
      [ "$NETNS" = 0 ] && port_in_use "$port" && die "port $port is taken by another process; set POLYROUTE_CLUSTER_PORT_BASE"
    done
    say "starting the Flink JobManager (REST and web UI on $REST_URL)"
    start_jobmanager
  fi
  await_port jobmanager "$REST_PORT" 240
  for ((i = 1; i <= TASKMANAGERS; i++)); do
    if is_running "taskmanager-$i"; then
      say "TaskManager $i already runs (pid $(pid_of "taskmanager-$i"))"
    else
      say "starting Flink TaskManager $i ($SLOTS_PER_TM slots, $TM_PROCESS_SIZE)"
      start_taskmanager "$i"
    fi
  done
  await_taskmanagers "$TASKMANAGERS" 240
  say "Flink cluster ready: $TASKMANAGERS TaskManagers registered at $REST_URL"
fi

STARTED_OK=1
say "cluster up; logs in $LOG_DIR; stop it with ops/cluster/down.sh$([ "$NETNS" = 1 ] && echo " --netns")"
echo "kafka.bootstrap-servers=$(bootstrap_servers)"
[ "$WITH_FLINK" = 1 ] && echo "flink.rest=$(addr_of jobmanager):$REST_PORT"
exit 0
