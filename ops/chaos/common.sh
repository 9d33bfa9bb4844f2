# Shared by ops/chaos/run.sh and burst.sh: the jar, the ops tool, the bundle, job submission and
# the events the verifier reads. Source it after ops/cluster/lib.sh.

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
