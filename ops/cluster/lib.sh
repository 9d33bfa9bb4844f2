# Shared by ops/cluster/up.sh, down.sh and the chaos scripts: where the cluster lives, its ports,
# and how to start, stop and kill each process. Source it; it defines functions and variables only.
#
# Layout (all under ops/cluster/target, which `mvn clean` of the cluster poms or down.sh --purge
# removes):
#   flink.classpath, kafka.classpath   from `mvn dependency:build-classpath` of ops/cluster/deps/*
#   run/conf/                          Flink config.yaml, broker-N.properties
#   run/logs/                          one log (and one .out for stdout/stderr) per process
#   run/pids/                          one pid file per process: jobmanager, taskmanager-N, broker-N
#   run/data/                          broker logs, checkpoints, savepoints, uploaded jars
#
# Ports (loopback only) derive from POLYROUTE_CLUSTER_PORT_BASE (default 29100), so two clusters
# on one machine need different bases:
#   brokers         BASE+11 .. BASE+13     controllers   BASE+21 .. BASE+23
#   JobManager RPC  BASE+30                REST / web UI BASE+31    blob server BASE+32
#   TaskManager i   RPC BASE+40+i          Prometheus metrics BASE+50 .. BASE+59
#
# Namespaced mode (up.sh --netns, or POLYROUTE_CLUSTER_NETNS=1 before sourcing): every broker, the
# JobManager and every TaskManager runs in its own network namespace with its own address on a
# bridge, so that cutting a link cuts real TCP connections. The run folder is target/netrun, the
# same ports are used inside every namespace, and the names derive from the port base (tag
# T = (BASE / 100) mod 256), so two checkouts with different bases never collide:
#   bridge prbrT 10.77.T.1/24 (the root namespace: scripts, producer, verifier)
#   namespaces prT-broker-i 10.77.T.(10+i), prT-jobmanager 10.77.T.30, prT-taskmanager-i 10.77.T.(40+i)

CLUSTER_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT_DIR="$(cd "$CLUSTER_DIR/../.." && pwd)"
TARGET_DIR="${POLYROUTE_CLUSTER_TARGET:-$CLUSTER_DIR/target}"
RUN_DIR="$TARGET_DIR/run"
CONF_DIR="$RUN_DIR/conf"
LOG_DIR="$RUN_DIR/logs"
PID_DIR="$RUN_DIR/pids"
DATA_DIR="$RUN_DIR/data"

PORT_BASE="${POLYROUTE_CLUSTER_PORT_BASE:-29100}"
HOST=127.0.0.1
BROKERS=3
TASKMANAGERS=2
SLOTS_PER_TM="${POLYROUTE_CLUSTER_SLOTS:-2}"
JM_RPC_PORT=$((PORT_BASE + 30))
REST_PORT=$((PORT_BASE + 31))
BLOB_PORT=$((PORT_BASE + 32))
REST_URL="http://$HOST:$REST_PORT"
BROKER_HEAP="${POLYROUTE_BROKER_HEAP:-512m}"
NETNS=0
NS_TAG=$(((PORT_BASE / 100) % 256))
NS_PREFIX="pr$NS_TAG"
NS_BRIDGE="prbr$NS_TAG"
NS_SUBNET="10.77.$NS_TAG"
JM_PROCESS_SIZE="${POLYROUTE_JM_PROCESS_SIZE:-1024m}"
TM_PROCESS_SIZE="${POLYROUTE_TM_PROCESS_SIZE:-2048m}"

# Switches the variables above to the namespaced cluster (see the header).
use_netns() {
  NETNS=1
  RUN_DIR="$TARGET_DIR/netrun"
  CONF_DIR="$RUN_DIR/conf"
  LOG_DIR="$RUN_DIR/logs"
  PID_DIR="$RUN_DIR/pids"
  DATA_DIR="$RUN_DIR/data"
  HOST="$NS_SUBNET.1"
  REST_URL="http://$(addr_of jobmanager):$REST_PORT"
}

# The address a process listens on: loopback, or its namespace's address.
addr_of() {
  if [ "$NETNS" = 0 ]; then
    echo "$HOST"
    return
  fi
  case "$1" in
    broker-*) echo "$NS_SUBNET.$((10 + ${1#broker-}))" ;;
    jobmanager) echo "$NS_SUBNET.30" ;;
    taskmanager-*) echo "$NS_SUBNET.$((40 + ${1#taskmanager-}))" ;;
    root) echo "$NS_SUBNET.1" ;;
    *) die "no address for '$1'" ;;
  esac
}

ns_name() { echo "$NS_PREFIX-$1"; }

# The veth end in the root namespace of a process's namespace (at most 15 characters).
ns_veth() {
  case "$1" in
    broker-*) echo "${NS_PREFIX}b${1#broker-}" ;;
    jobmanager) echo "${NS_PREFIX}jm" ;;
    taskmanager-*) echo "${NS_PREFIX}t${1#taskmanager-}" ;;
  esac
}

# The command prefix that runs a process in its namespace (nothing on loopback).
ns_exec() { [ "$NETNS" = 1 ] && echo "ip netns exec $(ns_name "$1")" || true; }

ns_nodes() {
  local i
  for ((i = 1; i <= BROKERS; i++)); do echo "broker-$i"; done
  echo jobmanager
  for ((i = 1; i <= TASKMANAGERS; i++)); do echo "taskmanager-$i"; done
}

# True when the bridge or a namespace of this port base exists already.
netns_exists() { ip link show "$NS_BRIDGE" >/dev/null 2>&1 || ip netns list | grep -q "^$NS_PREFIX-"; }

# Creates the bridge and one namespace per process, each with a veth pair and its address.
netns_create() {
  local node ns veth
  command -v ip >/dev/null || die "the ip command (iproute2) is needed for --netns"
  netns_exists && die "a namespaced cluster with port base $PORT_BASE exists (bridge $NS_BRIDGE); stop it with ops/cluster/down.sh --netns or set POLYROUTE_CLUSTER_PORT_BASE"
  ip link add "$NS_BRIDGE" type bridge || die "cannot create the bridge $NS_BRIDGE (root is needed for --netns)"
  ip addr add "$NS_SUBNET.1/24" dev "$NS_BRIDGE"
  ip link set "$NS_BRIDGE" up
  while read -r node; do
    ns="$(ns_name "$node")"
    veth="$(ns_veth "$node")"
    ip netns add "$ns"
    ip link add "$veth" type veth peer name eth0 netns "$ns"
    ip link set "$veth" master "$NS_BRIDGE" up
    ip netns exec "$ns" ip addr add "$(addr_of "$node")/24" dev eth0
    ip netns exec "$ns" ip link set eth0 up
    ip netns exec "$ns" ip link set lo up
  done < <(ns_nodes)
}

# Kills whatever still runs in the namespaces, then deletes them, the bridge and any rule the
# chaos scripts left in the root namespace for this subnet.
netns_destroy() {
  local node ns pids rule
  while read -r node; do
    ns="$(ns_name "$node")"
    ip netns list | grep -q "^$ns\b" || continue
    pids="$(ip netns pids "$ns" 2>/dev/null || true)"
    [ -n "$pids" ] && kill -9 $pids 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
  done < <(ns_nodes)
  ip link del "$NS_BRIDGE" 2>/dev/null || true
  if command -v "$IPTABLES" >/dev/null 2>&1; then
    # (usually no rule is left: grep finding nothing must not fail the caller under pipefail)
    "$IPTABLES" -S INPUT 2>/dev/null | { grep -- "-s $NS_SUBNET\." || true; } | sed 's/^-A /-D /' | while read -r rule; do
      # shellcheck disable=SC2086
      "$IPTABLES" $rule 2>/dev/null || true
    done
  fi
}

IPTABLES="$(command -v iptables-legacy || command -v iptables || echo iptables-legacy)"

broker_port() { echo $((PORT_BASE + 10 + $1)); }
controller_port() { echo $((PORT_BASE + 20 + $1)); }

bootstrap_servers() {
  local i out=""
  for ((i = 1; i <= BROKERS; i++)); do out+="${out:+,}$(addr_of "broker-$i"):$(broker_port "$i")"; done
  echo "$out"
}

quorum_voters() {
  local i out=""
  for ((i = 1; i <= BROKERS; i++)); do out+="${out:+,}$i@$(addr_of "broker-$i"):$(controller_port "$i")"; done
  echo "$out"
}

say() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { say "error: $*"; exit 1; }

# Flink's usual --add-opens/--add-exports for Java 17 (without them REST submission fails with
# InaccessibleObjectException).
JAVA_OPENS=(--add-exports=java.base/sun.net.util=ALL-UNNAMED --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED)

# --- classpaths -----------------------------------------------------------------------------------

# Writes target/<name>.classpath from ops/cluster/deps/<name>/pom.xml unless it is newer than the pom.
ensure_classpath() {
  local name="$1" pom="$CLUSTER_DIR/deps/$1/pom.xml" out="$TARGET_DIR/$1.classpath"
  if [ -s "$out" ] && [ "$out" -nt "$pom" ] && [ "$out" -nt "$ROOT_DIR/pom.xml" ]; then
    return 0
  fi
  say "resolving the $name classpath with Maven (first run downloads the artifacts)"
  mkdir -p "$TARGET_DIR"
  mvn -B -q -ntp -f "$pom" dependency:build-classpath -Dmdep.outputFile="$out.tmp" >&2 \
    || die "mvn could not resolve $pom; run it without -q to see why"
  mv "$out.tmp" "$out"
}

classpath() { cat "$TARGET_DIR/$1.classpath"; }

# --- process bookkeeping --------------------------------------------------------------------------

pid_of() { [ -f "$PID_DIR/$1.pid" ] && cat "$PID_DIR/$1.pid" || true; }

is_running() {
  local pid
  pid="$(pid_of "$1")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# Starts a JVM in the background, records its pid as <name>, sends stdout/stderr to <name>.out and,
# when it ends, appends its exit status there (137 means it was killed with SIGKILL).
launch() {
  local name="$1" i
  shift
  mkdir -p "$PID_DIR" "$LOG_DIR"
  rm -f "$PID_DIR/$name.pid"
  (
    set +e
    trap '' HUP
    "$@" >>"$LOG_DIR/$name.out" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$PID_DIR/$name.pid.tmp" && mv "$PID_DIR/$name.pid.tmp" "$PID_DIR/$name.pid"
    wait "$pid"
    status=$?
    echo "[$(date '+%F %T')] $name (pid $pid) exited with status $status" >>"$LOG_DIR/$name.out"
  ) </dev/null >/dev/null 2>&1 &   # the watcher must not hold the caller's stdout open
  for ((i = 0; i < 100; i++)); do
    [ -s "$PID_DIR/$name.pid" ] && return 0
    sleep 0.05
  done
  die "could not start $name"
}

# Stops one process: SIGTERM, then SIGKILL after a grace period. Only the pid it recorded.
stop_process() {
  local name="$1" grace="${2:-20}" pid i
  pid="$(pid_of "$name")"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for ((i = 0; i < grace * 10; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      say "$name (pid $pid) did not stop within ${grace}s; killing it"
      kill -9 "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$PID_DIR/$name.pid"
}

# kill -9, as a crash would. Leaves the pid file so the process can be restarted by name.
crash_process() {
  local name="$1" pid
  pid="$(pid_of "$name")"
  [ -n "$pid" ] || die "no pid recorded for $name"
  kill -9 "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
}

# Waits until the TCP port of a process accepts connections, or the process has died.
await_port() {
  local name="$1" port="$2" timeout="${3:-60}" start=$SECONDS host
  host="$(addr_of "$name")"
  while ! (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; do
    is_running "$name" || die "$name exited during start; see $LOG_DIR/$name.out and $LOG_DIR/$name.log"
    ((SECONDS - start < timeout)) || die "$name did not open port $port within ${timeout}s; see $LOG_DIR/$name.log"
    sleep 0.2
  done
}

port_in_use() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

# --- Kafka ----------------------------------------------------------------------------------------

write_broker_config() {
  local i="$1" file="$CONF_DIR/broker-$i.properties" host
  host="$(addr_of "broker-$i")"
  cat >"$file" <<EOF
# Broker $i of the local three-node KRaft cluster (combined broker and controller).
node.id=$i
process.roles=broker,controller
listeners=BROKER://$host:$(broker_port "$i"),CONTROLLER://$host:$(controller_port "$i")
advertised.listeners=BROKER://$host:$(broker_port "$i")
listener.security.protocol.map=BROKER:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=BROKER
controller.listener.names=CONTROLLER
controller.quorum.voters=$(quorum_voters)
log.dirs=$DATA_DIR/kafka-$i

# Durability: every topic, including the internal ones, survives the loss of one broker.
default.replication.factor=3
min.insync.replicas=2
offsets.topic.replication.factor=3
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
share.coordinator.state.topic.replication.factor=3
share.coordinator.state.topic.min.isr=2
num.partitions=4
offsets.topic.num.partitions=4
transaction.state.log.num.partitions=4
auto.create.topics.enable=false
unclean.leader.election.enable=false
# Flink's exactly-once sink asks for 10 min transactions; allow up to 15.
transaction.max.timeout.ms=900000
group.initial.rebalance.delay.ms=0
# A small machine: keep the cleaner's buffer and the thread pools small.
log.cleaner.dedupe.buffer.size=8388608
num.network.threads=2
num.io.threads=2
num.replica.fetchers=1
background.threads=2
# Notice a dead peer in seconds rather than the default 18-45 s.
broker.session.timeout.ms=6000
broker.heartbeat.interval.ms=1000
replica.lag.time.max.ms=10000
EOF
}

format_broker() {
  local i="$1" cluster_id="$2"
  java -cp "$(classpath kafka)" -Dlog4j2.configurationFile="$CLUSTER_DIR/conf/log4j2.properties" \
    -Dlog.file="$LOG_DIR/broker-$i.log" \
    kafka.tools.StorageTool format --cluster-id "$cluster_id" --config "$CONF_DIR/broker-$i.properties" \
    --ignore-formatted >"$LOG_DIR/broker-$i-format.out" 2>&1 \
    || die "formatting broker $i failed; see $LOG_DIR/broker-$i-format.out"
}

start_broker() {
  local i="$1"
  # shellcheck disable=SC2046 # ns_exec is a word list
  launch "broker-$i" $(ns_exec "broker-$i") java -Xms"$BROKER_HEAP" -Xmx"$BROKER_HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$CLUSTER_DIR/conf/log4j2.properties" -Dlog.file="$LOG_DIR/broker-$i.log" \
    -cp "$(classpath kafka)" kafka.Kafka "$CONF_DIR/broker-$i.properties"
}

# --- Flink ----------------------------------------------------------------------------------------

write_flink_config() {
  local jm bind
  jm="$(addr_of jobmanager)"
  bind="$HOST"
  [ "$NETNS" = 1 ] && bind=0.0.0.0
  cat >"$CONF_DIR/config.yaml" <<EOF
# Standalone Flink session cluster: one JobManager, $TASKMANAGERS TaskManagers (each TaskManager's
# own address is passed to it as taskmanager.host).
jobmanager.rpc.address: $jm
jobmanager.rpc.port: $JM_RPC_PORT
jobmanager.bind-host: $bind
taskmanager.bind-host: $bind
taskmanager.host: $HOST
rest.address: $jm
rest.bind-address: $bind
rest.port: $REST_PORT
blob.server.port: $BLOB_PORT
taskmanager.data.port: 0
jobmanager.memory.process.size: $JM_PROCESS_SIZE
taskmanager.memory.process.size: $TM_PROCESS_SIZE
taskmanager.numberOfTaskSlots: $SLOTS_PER_TM
# The job keeps its state on the heap (hashmap backend); ONNX Runtime allocates natively.
taskmanager.memory.managed.fraction: 0.05
taskmanager.memory.task.off-heap.size: 256m
# hashmap: measured cheaper than rocksdb (incremental) on the light benchmark (docs/benchmarks.md,
# "Dedupe scope and state backend"); job.state-backend in the job file wins.
state.backend.type: hashmap
execution.checkpointing.dir: file://$DATA_DIR/checkpoints
execution.checkpointing.savepoint-dir: file://$DATA_DIR/savepoints
execution.checkpointing.num-retained: 2
# Recover from crashes for as long as it takes, one attempt per second.
restart-strategy.type: fixed-delay
restart-strategy.fixed-delay.attempts: 2147483647
restart-strategy.fixed-delay.delay: 1 s
# Notice a killed TaskManager within seconds instead of the default 50 s.
heartbeat.interval: 1000
heartbeat.timeout: 8000
heartbeat.rpc-failure-threshold: 2
# Spread the job's slots over the TaskManagers, so that losing one TaskManager loses part of the job.
taskmanager.load-balance.mode: SLOTS
# A System.exit from user code must fail the task, not end the TaskManager.
cluster.intercept-user-system-exit: THROW
# The shaded job jar is larger than the default 100 MiB upload limit.
rest.server.max-content-length: 419430400
rest.client.max-content-length: 419430400
web.upload.dir: $DATA_DIR/uploads
web.tmpdir: $DATA_DIR/web
io.tmp.dirs: $DATA_DIR/tmp
blob.storage.directory: $DATA_DIR/blobs
metrics.reporter.prom.factory.class: org.apache.flink.metrics.prometheus.PrometheusReporterFactory
metrics.reporter.prom.port: $((PORT_BASE + 50))-$((PORT_BASE + 59))
EOF
}

# Prints the JVM options (line 1) and dynamic properties (line 2) that Flink's own scripts compute
# for the JobManager (JM) or a TaskManager (TM).
flink_resource_params() {
  local kind="$1" out
  out="$(java -cp "$(classpath flink)" -Dlog4j2.configurationFile="$CLUSTER_DIR/conf/log4j2.properties" \
    -Dlog.file=/dev/null org.apache.flink.runtime.util.bash.BashJavaUtils \
    "GET_${kind}_RESOURCE_PARAMS" --configDir "$CONF_DIR" 2>&1)" \
    || die "Flink could not compute the $kind memory settings: $out"
  echo "$out" | grep '^BASH_JAVA_UTILS_EXEC_RESULT:' | tail -n 2 | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://'
}

# Writes the JVM options, the --add-opens list and the classpath of a Flink process to an argument
# file. ONNX Runtime 1.29 overflows its stack while creating its environment when the process
# command line is longer than about 3 KB (a Flink classpath is 4 KB), so it must stay short.
flink_argfile() {
  local kind="$1" jvm="$2" file="$CONF_DIR/$1.jvm.args"
  {
    printf '%s\n' $jvm "${JAVA_OPENS[@]}"
    printf -- '-cp\n%s\n' "$(classpath flink)"
  } >"$file"
  echo "$file"
}

start_jobmanager() {
  local params jvm dyn args
  params="$(flink_resource_params JM)"
  jvm="$(echo "$params" | sed -n 1p)"
  dyn="$(echo "$params" | sed -n 2p)"
  args="$(flink_argfile jobmanager "$jvm")"
  # shellcheck disable=SC2086 # the computed options are word lists
  launch jobmanager $(ns_exec jobmanager) java @"$args" -XX:ErrorFile="$LOG_DIR/hs_err_jobmanager_%p.log" \
    -Dlog4j2.configurationFile="$CLUSTER_DIR/conf/log4j2.properties" -Dlog.file="$LOG_DIR/jobmanager.log" \
    org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint --configDir "$CONF_DIR" $dyn
}

start_taskmanager() {
  local i="$1" params jvm dyn args
  params="$(flink_resource_params TM)"
  jvm="$(echo "$params" | sed -n 1p)"
  dyn="$(echo "$params" | sed -n 2p)"
  args="$(flink_argfile "taskmanager-$i" "$jvm")"
  # shellcheck disable=SC2086
  launch "taskmanager-$i" $(ns_exec "taskmanager-$i") java @"$args" -XX:ErrorFile="$LOG_DIR/hs_err_taskmanager-${i}_%p.log" \
    -Dlog4j2.configurationFile="$CLUSTER_DIR/conf/log4j2.properties" -Dlog.file="$LOG_DIR/taskmanager-$i.log" \
    org.apache.flink.runtime.taskexecutor.TaskManagerRunner --configDir "$CONF_DIR" $dyn \
    -D taskmanager.resource-id="tm-$i" -D taskmanager.rpc.port=$((PORT_BASE + 40 + i)) \
    -D taskmanager.host="$(addr_of "taskmanager-$i")"
}

# Number of TaskManagers registered with the JobManager (0 when the REST API does not answer).
registered_taskmanagers() {
  local body
  body="$(curl -fsS "$REST_URL/taskmanagers" 2>/dev/null)" || { echo 0; return 0; }
  echo "$body" | tr ',' '\n' | awk '/"id":/ { n++ } END { print n + 0 }'
}

# The number N of a TaskManager tm-N that runs tasks (has a slot in use), or nothing.
busy_taskmanager() {
  local body
  body="$(curl -fsS "$REST_URL/taskmanagers" 2>/dev/null)" || return 0
  echo "$body" | tr '{' '\n' | sed -n 's/.*"id":"tm-\([0-9]*\)".*"slotsNumber":\([0-9]*\),"freeSlots":\([0-9]*\).*/\1 \2 \3/p' \
    | awk '$3 < $2 { print $1; exit }'
}

await_taskmanagers() {
  local want="$1" timeout="${2:-90}" start=$SECONDS
  while (($(registered_taskmanagers) < want)); do
    ((SECONDS - start < timeout)) || die "only $(registered_taskmanagers) of $want TaskManagers registered within ${timeout}s; see $LOG_DIR"
    sleep 0.5
  done
}

# Waits until every broker answers and all three are in the cluster metadata.
await_kafka() {
  local timeout="${1:-90}" i
  for ((i = 1; i <= BROKERS; i++)); do
    await_port "broker-$i" "$(broker_port "$i")" "$timeout"
  done
}

[ "${POLYROUTE_CLUSTER_NETNS:-0}" = 1 ] && use_netns
true
