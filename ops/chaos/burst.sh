#!/usr/bin/env bash
# Overload test: measure the job's throughput T on the local cluster, then put a backlog of ten
# times what it can do in a minute (10 x T x 60 s) into a fresh input topic before the job starts,
# start the job on it while steady input keeps arriving, and check that the TaskManager heap stays
# bounded, no OutOfMemoryError occurs, the backlog drains, the end-to-end latency returns to its
# steady value and every record is still answered exactly once.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../cluster/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

QUICK_SECONDS=10
QUICK_CALIBRATE=20000
usage() {
  cat <<USAGE
Usage: ops/chaos/burst.sh [--quick] [--factor F] [--seconds S] [--calibrate N] [--mode M] [--keep-cluster]

1. Produces N readings (default 60000), starts the job on the local cluster (started here unless
   it already runs) and measures how fast it works through them: its throughput T. Cancels it.
2. Produces a backlog of F x T x S readings (default F=10, S=60) into fresh topics, as fast as
   the brokers take them, before the job starts: the producer's speed does not limit the test.
3. Starts the job on the backlog while T/10 readings per second keep arriving, and follows it
   until the backlog has drained and the steady input has ended, sampling TaskManager heap, input
   lag, restarts and the end-to-end latency (processed_time - event_time) of the predictions.

Last line: records=<n> lost=<n> duplicated=<n> peak_heap_mb=<x> heap_max_mb=<x> max_lag=<n>
           drain_s=<x> restarts=<n> oom=<n> latency_steady_ms=<x> latency_back_s=<x>
drain_s runs from the job's start until the input lag is at most 5 s of steady input;
latency_steady_ms is the median latency of the last 30 s, and latency_back_s the time from the
job's start after which no half second's median exceeded twice that plus 500 ms.
Exit code 0 only when nothing was lost or duplicated, no OutOfMemoryError was logged and the
backlog drained.

Options:
  --quick          a short run: S=$QUICK_SECONDS and N=$QUICK_CALIBRATE
  --factor F       backlog as a multiple of the measured throughput (default 10)
  --seconds S      seconds of that rate the backlog holds (default 60)
  --calibrate N    readings used to measure the throughput (default 60000)
  --mode M         job.mode: expert-parallel (default) or fused
  --keep-cluster   leave a cluster this script started running afterwards
  -h, --help       show this help
USAGE
}

FACTOR=10
SECONDS_BURST=60
CALIBRATE=60000
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) SECONDS_BURST=$QUICK_SECONDS CALIBRATE=$QUICK_CALIBRATE ;;
    --factor) FACTOR="${2:?--factor needs a number}"; shift ;;
    --seconds) SECONDS_BURST="${2:?--seconds needs a number}"; shift ;;
    --calibrate) CALIBRATE="${2:?--calibrate needs a number}"; shift ;;
    --rate) unknown_option "$1" ;;
    *) common_option "$@" || unknown_option "$1"; shift $((OPT_SHIFT - 1)) ;;
  esac
  shift
done
[[ "$FACTOR" =~ ^[0-9]+$ && "$SECONDS_BURST" =~ ^[0-9]+$ && "$CALIBRATE" =~ ^[0-9]+$ ]] \
  || die "--factor, --seconds and --calibrate take whole numbers"
((CALIBRATE >= 5000)) || die "--calibrate must be at least 5000 readings"
install_cleanup

T0=$SECONDS
ensure_jar
ensure_cluster
ensure_bundle

RUN="burst-$(date +%Y%m%d-%H%M%S)"
EVENTS="$RUN_DIR/$RUN.events"
PROGRESS="$RUN_DIR/$RUN.progress"
: >"$EVENTS"
KAFKA_ARGS=(--bootstrap-servers "$(bootstrap_servers)")
ops_tool topics "${KAFKA_ARGS[@]}" --partitions 4 \
  "$RUN-sensors" "$RUN-predictions" "$RUN-dlq" "$RUN-load" "$RUN-plans" >&2
# --- 1. throughput: the job works through a backlog as fast as it can ---
say "calibrating: a backlog of $CALIBRATE readings"
ops_tool produce "${KAFKA_ARGS[@]}" --topic "$RUN-sensors" --records "$CALIBRATE" --prefix "$RUN" \
  --dim "$CHAOS_DIM" >&2
write_job_file "$RUN" "$MODE" "2 s"
say "submitting the job ($MODE)"
JOB_ID="$(submit_job "$RUN")"
[ -n "$JOB_ID" ] || die "the submission printed no job id; see $LOG_DIR/$RUN-submit.out"
ops_tool_bg verify "${KAFKA_ARGS[@]}" --predictions "$RUN-predictions" --job-name "$RUN" --records "$CALIBRATE" \
  --prefix "$RUN" --dim "$CHAOS_DIM" --progress "$PROGRESS.calibration" --settle 1s --timeout 20m \
  >"$LOG_DIR/$RUN-calibration.out" 2>&1 &
VERIFY_PID=$!
# From the first tenth committed (the job has started) to the last: many checkpoints' worth.
LOW=$((CALIBRATE / 10)) T_LOW="" T_HIGH=""
while [ -z "$T_HIGH" ]; do
  alive=1
  kill -0 "$VERIFY_PID" 2>/dev/null || alive=0
  read_progress "$PROGRESS.calibration"
  ((alive == 1 || DISTINCT >= CALIBRATE)) || die "the calibration verifier stopped; see $LOG_DIR/$RUN-calibration.out"
  if [ -z "$T_LOW" ] && ((DISTINCT >= LOW)); then T_LOW=$(now_ms); START_COUNT=$DISTINCT; fi
  if [ -n "$T_LOW" ] && ((DISTINCT >= CALIBRATE)); then T_HIGH=$(now_ms); END_COUNT=$DISTINCT; fi
  sleep 0.2
done
wait "$VERIFY_PID" || true
VERIFY_PID=""
THROUGHPUT=$(((END_COUNT - START_COUNT) * 1000 / (T_HIGH - T_LOW > 0 ? T_HIGH - T_LOW : 1)))
((THROUGHPUT > 0)) || die "could not measure the throughput"
BACKLOG=$((THROUGHPUT * FACTOR * SECONDS_BURST))
# Steady input at a tenth of the throughput, long enough to outlast the drain (the backlog drains at
# about 0.9 T or faster) by 90 s, so that the latency has time to settle at its steady value.
STEADY_RATE=$(((THROUGHPUT + 9) / 10))
STEADY_SECONDS=$((BACKLOG * 10 / (THROUGHPUT * 9) + 90))
STEADY_RECORDS=$((STEADY_RATE * STEADY_SECONDS))
STEADY_LAG=$((STEADY_RATE * 5))
TOTAL_RECORDS=$((BACKLOG + STEADY_RECORDS))
say "job throughput ${THROUGHPUT} records/s; backlog: $BACKLOG readings"

# The calibration job is done with: cancel it and wait until its slots are free again.
cancel_job "$JOB_ID"
JOB_ID=""
for ((i = 0; i < 120; i++)); do
  curl -fsS "$REST_URL/jobs/overview" 2>/dev/null | grep -q '"state":"RUNNING"' || break
  sleep 0.5
done

# --- 2. backlog: F x T x S readings in the input before the job starts ---
RUN2="$RUN-b"
ops_tool topics "${KAFKA_ARGS[@]}" --partitions 4 \
  "$RUN2-sensors" "$RUN2-predictions" "$RUN2-dlq" "$RUN2-load" "$RUN2-plans" >&2
say "building a backlog of $BACKLOG readings (${FACTOR} x ${THROUGHPUT}/s x ${SECONDS_BURST} s) before the job starts"
ops_tool produce "${KAFKA_ARGS[@]}" --topic "$RUN2-sensors" --records "$BACKLOG" --prefix "$RUN2" \
  --dim "$CHAOS_DIM" >&2
echo "$(now_ms) mark burst-end" >>"$EVENTS"

# --- 3. the job starts on the backlog while steady input keeps arriving; follow it until drained ---
VERIFY_LOG="$LOG_DIR/$RUN-verify.out"
ops_tool_bg verify "${KAFKA_ARGS[@]}" --predictions "$RUN2-predictions" --dlq "$RUN2-dlq" --input "$RUN2-sensors" \
  --job-name "$RUN2" --rest "$REST_URL" --records "$TOTAL_RECORDS" --prefix "$RUN2" --dim "$CHAOS_DIM" \
  --events "$EVENTS" --progress "$PROGRESS" --log-dir "$LOG_DIR" --summary burst --steady-lag "$STEADY_LAG" \
  --settle 10s --timeout 90m >"$VERIFY_LOG" 2>&1 &
VERIFY_PID=$!
write_job_file "$RUN2" "$MODE" "2 s"
say "submitting the job ($MODE) onto the backlog"
echo "$(now_ms) mark job-start" >>"$EVENTS"
JOB_ID="$(submit_job "$RUN2")"
[ -n "$JOB_ID" ] || die "the submission printed no job id; see $LOG_DIR/$RUN2-submit.out"
say "steady input: $STEADY_RATE readings/s for $STEADY_SECONDS s (verifier log: $VERIFY_LOG)"
ops_tool produce "${KAFKA_ARGS[@]}" --topic "$RUN2-sensors" --records "$STEADY_RECORDS" --from "$BACKLOG" \
  --prefix "$RUN2" --dim "$CHAOS_DIM" --rate "$STEADY_RATE" >&2
await_verdict
say "burst run $RUN took $((SECONDS - T0)) s"
cancel_job "$JOB_ID"
JOB_ID=""
stop_started_cluster
echo "$VERDICT"
exit "$VERIFY_RC"
