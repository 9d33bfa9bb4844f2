# Shared by the scripts in ops/chaos: the jar, the ops tool, the bundle, job submission, the
# options every script takes, the cleanup on exit and the verifier's verdict. Source it after
# ops/cluster/lib.sh.

JAR=""
OPS_JAVA_OPTS=(-Xmx1500m -XX:+UseParallelGC)

# Builds the shaded jar when sources changed (through the launcher) and remembers its path.
ensure_jar() {
  "$ROOT_DIR/polyroute" --version >/dev/null || die "building the project failed; run ./polyroute --version to see why"
  JAR="$(ls "$ROOT_DIR"/cli/target/polyroute-cli-*-all.jar | head -n 1)"
  [ -f "$JAR" ] || die "no CLI jar under cli/target"
}

# Starts a fresh cluster unless one already runs; STARTED_CLUSTER=1 tells the caller's cleanup to
# stop it again.
STARTED_CLUSTER=0
ensure_cluster() {
  if is_running jobmanager && is_running broker-1; then
    say "using the cluster that already runs"
    return
  fi
  say "starting the cluster"
  STARTED_CLUSTER=1
  mkdir -p "$TARGET_DIR"   # a fresh clone has no target folder yet
  "$CLUSTER_DIR/up.sh" --fresh >"$RUN_DIR.up.out" 2>&1 || { cat "$RUN_DIR.up.out" >&2; die "ops/cluster/up.sh failed"; }
}

ops_tool() {
  java "${OPS_JAVA_OPTS[@]}" -Dlog4j2.configurationFile="$CLUSTER_DIR/conf/log4j2.properties" \
    -Dlog.file="$LOG_DIR/ops-tool.log" -cp "$JAR" io.polyroute.ops.OpsTool "$@"
}

# The ops tool in the background: use it only as 'ops_tool_bg ... &'. The background subshell
# becomes the JVM, so $! is the JVM's pid and the cleanup's signal reaches it (with plain
# 'ops_tool ... &' it would reach only the subshell and leave the JVM running).
ops_tool_bg() {
  exec java "${OPS_JAVA_OPTS[@]}" -Dlog4j2.configurationFile="$CLUSTER_DIR/conf/log4j2.properties" \
    -Dlog.file="$LOG_DIR/ops-tool.log" -cp "$JAR" io.polyroute.ops.OpsTool "$@"
}

# --- options and cleanup shared by the scripts ----------------------------------------------------

MODE=expert-parallel
KEEP=0
VERIFY_PID=""
PRODUCER_PID=""
JOB_ID=""

# Handles an option every script takes (--rate R, --mode M, --keep-cluster, -h/--help): sets
# OPT_SHIFT to the words it used and returns 0, or returns 1 for an option it does not know.
# The caller's loop: *) common_option "$@" || unknown_option "$1"; shift $((OPT_SHIFT - 1)) ;;
common_option() {
  OPT_SHIFT=1
  case "$1" in
    --rate) RATE="${2:?--rate needs a number}"; OPT_SHIFT=2 ;;
    --mode) MODE="${2:?--mode needs a value}"; OPT_SHIFT=2 ;;
    --keep-cluster) KEEP=1 ;;
    -h | --help) usage; exit 0 ;;
    *) return 1 ;;
  esac
}

unknown_option() {
  usage >&2
  die "unknown argument '$1'"
}

# Ends a background process of the script: SIGTERM, SIGKILL after 10 s.
stop_pid() {
  local pid="$1" i
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
}

# Stops the cluster if this script started it and --keep-cluster was not given.
stop_started_cluster() {
  if [ "$STARTED_CLUSTER" = 1 ] && [ "$KEEP" = 0 ]; then
    "$CLUSTER_DIR/down.sh" >/dev/null 2>&1 || true
    STARTED_CLUSTER=0
  fi
}

# On exit, Ctrl-C or failure: ends the verifier and the producer, cancels the job and stops a
# cluster the script started, then exits with the script's status.
chaos_cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_pid "$VERIFY_PID"
  stop_pid "$PRODUCER_PID"
  cancel_job "$JOB_ID"
  stop_started_cluster
  exit "$rc"
}

install_cleanup() {
  trap chaos_cleanup EXIT
  trap 'exit 130' INT TERM
}

# Waits for the producer (if any) and the verifier, prints the verifier's report lines (not its
# progress) to stderr and sets VERDICT to its last line and VERIFY_RC to its exit status.
await_verdict() {
  if [ -n "$PRODUCER_PID" ]; then
    wait "$PRODUCER_PID" || die "producing the readings failed; see $LOG_DIR/$RUN-produce.out"
    PRODUCER_PID=""
  fi
  set +e
  wait "$VERIFY_PID"
  VERIFY_RC=$?
  set -e
  VERIFY_PID=""
  grep -v '^verify: +' "$VERIFY_LOG" | grep -v '^records=' >&2 || true
  VERDICT="$(grep '^records=' "$VERIFY_LOG" | tail -n 1)"
  [ -n "$VERDICT" ] || die "the verifier printed no verdict (exit $VERIFY_RC); see $VERIFY_LOG"
}

# The synthetic bundle the chaos and burst runs serve: 16 features, 8 ReLU-MLP experts, top-2.
CHAOS_DIM=16
ensure_bundle() {
  BUNDLE="$DATA_DIR/bundles/chaos-synthetic"
  if [ ! -f "$BUNDLE/bundle.yaml" ]; then
    say "building the synthetic bundle in $BUNDLE"
    mkdir -p "$(dirname "$BUNDLE")"
    POLYROUTE_SKIP_BUILD=1 "$ROOT_DIR/polyroute" bundle build --synthetic --input-dim "$CHAOS_DIM" --hidden 32 \
      --experts 8 --top-k 2 --seed 11 --out "$BUNDLE" >"$LOG_DIR/bundle-build.out" 2>&1 \
      || die "building the bundle failed; see $LOG_DIR/bundle-build.out"
  fi
}

# Writes the job file for run $1 with mode $2 and checkpoint interval $3 to $RUN_DIR/$1.yaml.
write_job_file() {
  local run="$1" mode="$2" interval="$3"
  cat >"$RUN_DIR/$run.yaml" <<YAML
kafka:
  bootstrap-servers: $(bootstrap_servers)
topics:
  input: $run-sensors
  output: $run-predictions
  dlq: $run-dlq
  load: $run-load
  plans: $run-plans
  auto-create: true
  partitions: 4
  replication-factor: 3
job:
  name: $run
  mode: $mode
  parallelism: 2
  slots: 2
  checkpoint-interval: $interval
bundle:
  path: $BUNDLE
runtime:
  device: cpu
YAML
}

# Submits the job of run $1 to the cluster and prints its Flink job id.
submit_job() {
  local run="$1" out
  out="$(POLYROUTE_SKIP_BUILD=1 POLYROUTE_JAVA_OPTS=-Xmx1g "$ROOT_DIR/polyroute" run --config "$RUN_DIR/$run.yaml" \
    --jobmanager "$(addr_of jobmanager):$REST_PORT" --detached 2>&1)" || die "submitting the job failed: $out"
  echo "$out" >"$LOG_DIR/$run-submit.out"
  echo "$out" | sed -n 's/^polyroute: job \([0-9a-f]*\) submitted$/\1/p' | tail -n 1
}

cancel_job() {
  local id="$1"
  [ -n "$id" ] && curl -fsS -X PATCH "$REST_URL/jobs/$id?mode=cancel" >/dev/null 2>&1 || true
}

now_ms() { date +%s%3N; }

# Reads the verifier's progress file into DISTINCT TOTAL RESTARTS LAG (zeros before the first sample).
read_progress() {
  DISTINCT=0 TOTAL=0 RESTARTS=0 LAG=-1
  [ -s "$1" ] && read -r DISTINCT TOTAL RESTARTS LAG <"$1" || true
}
