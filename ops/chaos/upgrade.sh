#!/usr/bin/env bash
# Upgrade under load: while readings keep arriving, stop the running job with a savepoint and start
# the next version of the job from that savepoint (polyroute run --from-savepoint); then check that
# every committed prediction is there exactly once and equal to an uninterrupted run.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../cluster/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

QUICK_RECORDS=30000
usage() {
  cat <<USAGE
Usage: ops/chaos/upgrade.sh [--records N] [--quick] [--rate R] [--mode M] [--keep-cluster]

Runs the job on the local cluster (started here unless it already runs) under R readings per
second. When 40 % of the stream is committed it stops the job with a savepoint (Flink REST: stop, drain=false),
submits the job again with 'polyroute run --from-savepoint <savepoint>' (same job name, so the
same consumer group and transactional ids) while the producer keeps sending, and reports how long
the switch took (from the stop request until committed output moves again).

Last line: records=<n> lost=<n> duplicated=<n> mismatched=<n> max_recovery_s=<x>
Exit code 0 only when lost, duplicated and mismatched are all 0.

Options:
  --records N      readings to produce (default 120000)
  --quick          $QUICK_RECORDS readings (a short run)
  --rate R         readings per second (default 500)
  --mode M         job.mode: expert-parallel (default) or fused
  --keep-cluster   leave a cluster this script started running afterwards
  -h, --help       show this help
USAGE
}

RECORDS=120000
RATE=500
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
POLYROUTE_SKIP_BUILD=1 "$ROOT_DIR/polyroute" run --help 2>&1 | grep -q -- '--from-savepoint' \
  || die "this polyroute has no 'run --from-savepoint'; the upgrade test needs it"
ensure_cluster
ensure_bundle

RUN="upgrade-$(date +%Y%m%d-%H%M%S)"
EVENTS="$RUN_DIR/$RUN.events"
PROGRESS="$RUN_DIR/$RUN.progress"
VERIFY_LOG="$LOG_DIR/$RUN-verify.out"
: >"$EVENTS"
KAFKA_ARGS=(--bootstrap-servers "$(bootstrap_servers)")
ops_tool topics "${KAFKA_ARGS[@]}" --partitions 4 \
  "$RUN-sensors" "$RUN-predictions" "$RUN-dlq" "$RUN-load" "$RUN-plans" >&2
write_job_file "$RUN" "$MODE" "2 s"
JOB_ID="$(submit_job "$RUN")"
[ -n "$JOB_ID" ] || die "the submission printed no job id; see $LOG_DIR/$RUN-submit.out"
say "version 1 running as job $JOB_ID"
ops_tool_bg verify "${KAFKA_ARGS[@]}" --predictions "$RUN-predictions" --dlq "$RUN-dlq" --input "$RUN-sensors" \
  --job-name "$RUN" --rest "$REST_URL" --records "$RECORDS" --prefix "$RUN" --dim "$CHAOS_DIM" \
  --bundle "$BUNDLE" --events "$EVENTS" --progress "$PROGRESS" --settle 15s --timeout 60m >"$VERIFY_LOG" 2>&1 &
VERIFY_PID=$!
ops_tool_bg produce "${KAFKA_ARGS[@]}" --topic "$RUN-sensors" --records "$RECORDS" --prefix "$RUN" \
  --dim "$CHAOS_DIM" --rate "$RATE" >"$LOG_DIR/$RUN-produce.out" 2>&1 &
PRODUCER_PID=$!

# 40 % into the stream, counted in committed predictions: a job that is still being deployed (slow
# on a busy host) has no running tasks to take a savepoint of.
SWITCH_AT=$((40 * RECORDS / 100))
DEADLINE=$((SECONDS + 2 * RECORDS / RATE + 300))
while true; do
  kill -0 "$VERIFY_PID" 2>/dev/null || die "the verifier stopped early; see $VERIFY_LOG"
  read_progress "$PROGRESS"
  ((DISTINCT >= SWITCH_AT)) && break
  ((SECONDS < DEADLINE)) || die "version 1 committed only $DISTINCT of $SWITCH_AT predictions in time; see $LOG_DIR"
  sleep 0.5
done

say "stopping version 1 with a savepoint while input keeps arriving"
echo "$(now_ms) kill upgrade: stop-with-savepoint, start the next version from it" >>"$EVENTS"
TRIGGER="$(curl -fsS -X POST -H 'Content-Type: application/json' \
  -d "{\"drain\": false, \"targetDirectory\": \"file://$DATA_DIR/savepoints\"}" \
  "$REST_URL/jobs/$JOB_ID/stop" | python3 -c 'import json,sys; print(json.load(sys.stdin)["request-id"])')" \
  || die "the stop-with-savepoint request failed"
SAVEPOINT=""
for ((i = 0; i < 600; i++)); do
  [ -z "$SAVEPOINT" ] || break
  sleep 0.5
  SAVEPOINT="$(curl -fsS "$REST_URL/jobs/$JOB_ID/savepoints/$TRIGGER" | python3 -c '
import json, sys
s = json.load(sys.stdin)
if s["status"]["id"] == "COMPLETED":
    op = s.get("operation") or {}
    if "failure-cause" in op:
        sys.exit("savepoint failed: " + str(op["failure-cause"].get("stack-trace", ""))[:400])
    print(op["location"])')" || die "the savepoint of job $JOB_ID failed"
done
[ -n "$SAVEPOINT" ] || die "no savepoint within 300 s"
JOB_ID=""
say "savepoint $SAVEPOINT; starting the next version from it"
OUT="$(POLYROUTE_SKIP_BUILD=1 POLYROUTE_JAVA_OPTS=-Xmx1g "$ROOT_DIR/polyroute" run --config "$RUN_DIR/$RUN.yaml" \
  --jobmanager "$(addr_of jobmanager):$REST_PORT" --detached --from-savepoint "$SAVEPOINT" 2>&1)" \
  || die "submitting the next version failed: $OUT"
echo "$OUT" >"$LOG_DIR/$RUN-submit-2.out"
JOB_ID="$(echo "$OUT" | sed -n 's/^polyroute: job \([0-9a-f]*\) submitted$/\1/p' | tail -n 1)"
[ -n "$JOB_ID" ] || die "the second submission printed no job id; see $LOG_DIR/$RUN-submit-2.out"
say "version 2 running as job $JOB_ID"

await_verdict
say "upgrade run $RUN took $((SECONDS - T0)) s"
cancel_job "$JOB_ID"
JOB_ID=""
stop_started_cluster
echo "$VERDICT"
exit "$VERIFY_RC"
