#!/usr/bin/env bash
# Overload test: measure the job's throughput on the local cluster, then send a burst at ten times
# that rate for a minute, and check that the TaskManager heap stays bounded, backpressure slows
# the source instead of failing the job, no OutOfMemoryError occurs, the lag drains afterwards and
# every record is still answered exactly once.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../cluster/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() {
  cat <<USAGE
Usage: ops/chaos/burst.sh [--factor F] [--seconds S] [--calibrate N] [--mode M] [--keep-cluster]

1. Produces a backlog of N readings (default 60000), starts the job on the local cluster (started
   here unless it already runs) and measures how fast it works through them: its throughput T.
2. Produces F x T readings per second (default F=10) for S seconds (default 60).
3. Follows the job until the input lag is back to 0, sampling TaskManager heap, lag and restarts.

Last line: records=<n> lost=<n> duplicated=<n> peak_heap_mb=<x> heap_max_mb=<x> max_lag=<n>
           drain_s=<x> restarts=<n> oom=<n>
Exit code 0 only when nothing was lost or duplicated, no OutOfMemoryError was logged and the lag
drained.

Options:
  --factor F       burst rate as a multiple of the measured throughput (default 10)
  --seconds S      length of the burst (default 60)
  --calibrate N    readings used to measure the throughput (default 60000)
  --mode M         job.mode: expert-parallel (default) or fused
  --keep-cluster   leave a cluster this script started running afterwards
  -h, --help       show this help
USAGE
}

FACTOR=10
SECONDS_BURST=60
CALIBRATE=60000
MODE=expert-parallel
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --factor) FACTOR="${2:?--factor needs a number}"; shift ;;
    --seconds) SECONDS_BURST="${2:?--seconds needs a number}"; shift ;;
    --calibrate) CALIBRATE="${2:?--calibrate needs a number}"; shift ;;
    --mode) MODE="${2:?--mode needs a value}"; shift ;;
    --keep-cluster) KEEP=1 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
  esac
  shift
done
[[ "$FACTOR" =~ ^[0-9]+$ && "$SECONDS_BURST" =~ ^[0-9]+$ && "$CALIBRATE" =~ ^[0-9]+$ ]] \
  || die "--factor, --seconds and --calibrate take whole numbers"
((CALIBRATE >= 5000)) || die "--calibrate must be at least 5000 readings"

VERIFY_PID=""
JOB_ID=""
cleanup() {
  local rc=$?
  [ -n "$VERIFY_PID" ] && kill "$VERIFY_PID" 2>/dev/null || true
  cancel_job "$JOB_ID"
  if [ "$STARTED_CLUSTER" = 1 ] && [ "$KEEP" = 0 ]; then
    "$CLUSTER_DIR/down.sh" >/dev/null 2>&1 || true
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

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
ops_tool verify "${KAFKA_ARGS[@]}" --predictions "$RUN-predictions" --job-name "$RUN" --records "$CALIBRATE" \
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
RATE=$((THROUGHPUT * FACTOR))
BURST=$((RATE * SECONDS_BURST))
TOTAL_RECORDS=$((CALIBRATE + BURST))
say "job throughput ${THROUGHPUT} records/s; burst: ${RATE} records/s for ${SECONDS_BURST} s = $BURST readings"

# --- 2. burst, 3. drain ---
VERIFY_LOG="$LOG_DIR/$RUN-verify.out"
ops_tool verify "${KAFKA_ARGS[@]}" --predictions "$RUN-predictions" --dlq "$RUN-dlq" --input "$RUN-sensors" \
  --job-name "$RUN" --rest "$REST_URL" --records "$TOTAL_RECORDS" --prefix "$RUN" --dim "$CHAOS_DIM" \
  --events "$EVENTS" --progress "$PROGRESS" --log-dir "$LOG_DIR" --summary burst --settle 10s --timeout 90m \
  >"$VERIFY_LOG" 2>&1 &
VERIFY_PID=$!
echo "$(now_ms) mark burst-start" >>"$EVENTS"
ops_tool produce "${KAFKA_ARGS[@]}" --topic "$RUN-sensors" --records "$BURST" --from "$CALIBRATE" --prefix "$RUN" \
  --dim "$CHAOS_DIM" --rate "$RATE" >&2
echo "$(now_ms) mark burst-end" >>"$EVENTS"
say "burst sent; waiting for the job to drain the lag (verifier log: $VERIFY_LOG)"
set +e
wait "$VERIFY_PID"
VERIFY_RC=$?
set -e
VERIFY_PID=""
grep -v '^verify: +' "$VERIFY_LOG" | grep -v '^records=' >&2 || true
LAST="$(grep '^records=' "$VERIFY_LOG" | tail -n 1)"
[ -n "$LAST" ] || die "the verifier printed no verdict (exit $VERIFY_RC); see $VERIFY_LOG"
say "burst run $RUN took $((SECONDS - T0)) s"
cancel_job "$JOB_ID"
JOB_ID=""
if [ "$STARTED_CLUSTER" = 1 ] && [ "$KEEP" = 0 ]; then
  "$CLUSTER_DIR/down.sh" >/dev/null 2>&1 || true
  STARTED_CLUSTER=0
fi
echo "$LAST"
exit "$VERIFY_RC"
