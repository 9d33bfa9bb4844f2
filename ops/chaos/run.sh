#!/usr/bin/env bash
# Chaos test of the exactly-once guarantee on a real cluster: produce N readings, run the job on
# the cluster of ops/cluster/up.sh, kill -9 a TaskManager twice (restarting it) and a Kafka broker
# once while it processes, then check every committed prediction.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../cluster/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

QUICK_RECORDS=150000
usage() {
  cat <<USAGE
Usage: ops/chaos/run.sh [--records N] [--quick] [--rate R] [--mode expert-parallel|fused] [--keep-cluster]

Runs the Polyroute job on the local cluster (started here unless it already runs) and produces
N deterministic readings to it as a live stream of R readings per second. Into the stream:
  15%  kill -9 a TaskManager that runs tasks of the job, restart it 2 s later
  40%  kill -9 Kafka broker 2, restart it 10 s later
  65%  kill -9 a busy TaskManager again, restart it
Then checks the committed predictions (read_committed): every event id exactly once, values equal
to an uninterrupted in-process run (relative error <= 1e-5), and prints the recovery time of every
kill (from the kill until committed output moves again).

Last line: records=<n> lost=<n> duplicated=<n> mismatched=<n> max_recovery_s=<x>
Exit code 0 only when lost, duplicated and mismatched are all 0.

Options:
  --records N       readings to produce (default 1000000)
  --quick           $QUICK_RECORDS readings (the size CI runs)
  --rate R          readings per second the producer sends (default 1000; keep it below the
                    job's throughput so that the kills happen while records flow)
  --mode M          job.mode: expert-parallel (default) or fused
  --keep-cluster    leave a cluster this script started running afterwards
  -h, --help        show this help
USAGE
}

RECORDS=1000000
RATE=1000
while [ $# -gt 0 ]; do
  case "$1" in
    --records) RECORDS="${2:?--records needs a number}"; shift ;;
    --quick) RECORDS=$QUICK_RECORDS ;;
    *) common_option "$@" || unknown_option "$1"; shift $((OPT_SHIFT - 1)) ;;
  esac
  shift
done
[[ "$RECORDS" =~ ^[0-9]+$ ]] && ((RECORDS >= 1000)) || die "--records must be a whole number of at least 1000"
[[ "$RATE" =~ ^[0-9]+$ ]] && ((RATE >= 1)) || die "--rate must be a positive whole number"
install_cleanup

T0=$SECONDS
ensure_jar
ensure_cluster
ensure_bundle

RUN="chaos-$(date +%Y%m%d-%H%M%S)"
EVENTS="$RUN_DIR/$RUN.events"
PROGRESS="$RUN_DIR/$RUN.progress"
VERIFY_LOG="$LOG_DIR/$RUN-verify.out"
: >"$EVENTS"

say "creating topics for $RUN (replication 3, min.insync.replicas 2)"
ops_tool topics --bootstrap-servers "$(bootstrap_servers)" --partitions 4 \
  "$RUN-sensors" "$RUN-predictions" "$RUN-dlq" "$RUN-load" "$RUN-plans" >&2
write_job_file "$RUN" "$MODE" "2 s"
say "submitting the job ($MODE) to $REST_URL"
JOB_ID="$(submit_job "$RUN")"
[ -n "$JOB_ID" ] || die "the submission printed no job id; see $LOG_DIR/$RUN-submit.out"
say "job $JOB_ID running; verifier log: $VERIFY_LOG"

ops_tool_bg verify --bootstrap-servers "$(bootstrap_servers)" --predictions "$RUN-predictions" --dlq "$RUN-dlq" \
  --input "$RUN-sensors" --job-name "$RUN" --rest "$REST_URL" --records "$RECORDS" --prefix "$RUN" \
  --dim "$CHAOS_DIM" --bundle "$BUNDLE" --events "$EVENTS" --progress "$PROGRESS" --settle 15s --timeout 60m \
  >"$VERIFY_LOG" 2>&1 &
VERIFY_PID=$!

say "producing $RECORDS readings at $RATE per second (about $((RECORDS / RATE)) s)"
ops_tool_bg produce --bootstrap-servers "$(bootstrap_servers)" --topic "$RUN-sensors" --records "$RECORDS" \
  --prefix "$RUN" --dim "$CHAOS_DIM" --rate "$RATE" >"$LOG_DIR/$RUN-produce.out" 2>&1 &
PRODUCER_PID=$!
PRODUCE_START=$SECONDS

# Waits until the producer has been sending for $1 percent of its planned time.
await_percent() {
  local due=$((PRODUCE_START + $1 * RECORDS / RATE / 100))
  while ((SECONDS < due)); do
    kill -0 "$VERIFY_PID" 2>/dev/null || die "the verifier stopped early; see $VERIFY_LOG"
    sleep 0.5
  done
  read_progress "$PROGRESS"
}

# Waits until committed output moves again after a kill (the verifier measures the exact time).
await_progress_after() {
  local before="$1" start=$SECONDS
  while true; do
    kill -0 "$VERIFY_PID" 2>/dev/null || return 0
    read_progress "$PROGRESS"
    ((TOTAL > before)) && return 0
    ((SECONDS - start < 300)) || die "no committed output for 300 s after a kill; see $LOG_DIR"
    sleep 0.5
  done
}

# Kills a TaskManager that runs tasks of the job $1 percent into the stream, and restarts it.
kill_taskmanager() {
  local at="$1" i="" start
  await_percent "$at"
  start=$SECONDS
  while [ -z "$i" ]; do
    i="$(busy_taskmanager)"
    [ -n "$i" ] || ((SECONDS - start < 120)) || die "no TaskManager ran tasks of the job for 120 s; see $REST_URL"
    [ -n "$i" ] || sleep 0.5
  done
  read_progress "$PROGRESS"
  local before=$TOTAL
  say "kill -9 TaskManager $i (it runs tasks of the job) at $DISTINCT/$RECORDS committed, $at% into the stream"
  echo "$(now_ms) kill taskmanager-$i at $((100 * DISTINCT / RECORDS))%" >>"$EVENTS"
  crash_process "taskmanager-$i"
  sleep 2
  say "restarting TaskManager $i"
  start_taskmanager "$i"
  await_progress_after "$before"
}

# Kills Kafka broker $1 $2 percent into the stream, and restarts it 10 s later.
kill_broker() {
  local i="$1" at="$2"
  await_percent "$at"
  local before=$TOTAL
  say "kill -9 Kafka broker $i at $DISTINCT/$RECORDS committed, $at% into the stream"
  echo "$(now_ms) kill broker-$i at $((100 * DISTINCT / RECORDS))%" >>"$EVENTS"
  crash_process "broker-$i"
  sleep 10
  say "restarting Kafka broker $i"
  start_broker "$i"
  await_port "broker-$i" "$(broker_port "$i")" 90
  await_progress_after "$before"
}

kill_taskmanager 15
kill_broker 2 40
kill_taskmanager 65

say "all kills done; waiting for the producer and the verifier"
await_verdict
tail -n 1 "$LOG_DIR/$RUN-produce.out" >&2
say "chaos run $RUN took $((SECONDS - T0)) s"
cancel_job "$JOB_ID"
JOB_ID=""
stop_started_cluster
echo "$VERDICT"
exit "$VERIFY_RC"
