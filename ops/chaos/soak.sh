#!/usr/bin/env bash
# Soak test: the job runs for M minutes under a steady paced load (with routing rebalancing, the
# expert-parallel default) on the local cluster; every minute the script records each process's
# resident memory, heap, open file descriptors and threads, and the last checkpoint's duration and
# size; at the end it fails if any of them kept growing or if a prediction was lost, duplicated
# or wrong.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../cluster/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() {
  cat <<USAGE
Usage: ops/chaos/soak.sh --minutes M [--rate R] [--mode M] [--rollout-every K] [--keep-cluster]

Runs the job on the local cluster (started here unless it already runs) under R readings per
second for M minutes. At the start and every minute it prints, per process (brokers, JobManager,
TaskManagers): RSS, heap in use, open file descriptors, threads; and the last completed
checkpoint's duration and size. All samples also go to <run>.soak.tsv in the run folder.

Growth criterion, per process and metric, over the samples after the first minute: the mean of the
last half is compared with the mean of the first half; the soak fails if it rose by more than 25 %
and by more than a floor (RSS or heap 128 MiB, 64 descriptors, 32 threads, checkpoint size
1 MiB, checkpoint duration 2 s). Needs at least 4 minutes for the comparison.

Last line: records=<n> lost=<n> duplicated=<n> mismatched=<n> growing=<metrics or none>
Exit code 0 only when nothing was lost, duplicated or wrong and nothing grew.
Every K minutes (default 10) the soak calls its rollout step; the job has no rollout mechanism
yet, so the step only records that it was due (see rollout_step in the script).

Options:
  --minutes M      length of the soak (default 10)
  --rate R         readings per second (default 500)
  --mode M         job.mode: expert-parallel (default) or fused
  --rollout-every K  minutes between rollout steps (default 10; 0: none)
  --keep-cluster   leave a cluster this script started running afterwards
  -h, --help       show this help
USAGE
}

MINUTES=10
RATE=500
ROLLOUT_EVERY=10
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) MINUTES="${2:?--minutes needs a number}"; shift ;;
    --rollout-every) ROLLOUT_EVERY="${2:?--rollout-every needs a number}"; shift ;;
    *) common_option "$@" || unknown_option "$1"; shift $((OPT_SHIFT - 1)) ;;
  esac
  shift
done
[[ "$MINUTES" =~ ^[0-9]+$ ]] && ((MINUTES >= 4)) || die "--minutes must be a whole number of at least 4"
[[ "$RATE" =~ ^[0-9]+$ ]] && ((RATE >= 1)) || die "--rate must be a positive whole number"
[[ "$ROLLOUT_EVERY" =~ ^[0-9]+$ ]] || die "--rollout-every must be a whole number of minutes"
command -v jstat >/dev/null || die "jstat (from the JDK) is needed to read the heap of each process"
install_cleanup

T0=$SECONDS
ensure_jar
ensure_cluster
ensure_bundle

RUN="soak-$(date +%Y%m%d-%H%M%S)"
EVENTS="$RUN_DIR/$RUN.events"
PROGRESS="$RUN_DIR/$RUN.progress"
VERIFY_LOG="$LOG_DIR/$RUN-verify.out"
TSV="$RUN_DIR/$RUN.soak.tsv"
RECORDS=$((RATE * MINUTES * 60))
: >"$EVENTS"
KAFKA_ARGS=(--bootstrap-servers "$(bootstrap_servers)")
ops_tool topics "${KAFKA_ARGS[@]}" --partitions 4 \
  "$RUN-sensors" "$RUN-predictions" "$RUN-dlq" "$RUN-load" "$RUN-plans" >&2
write_job_file "$RUN" "$MODE" "2 s"
JOB_ID="$(submit_job "$RUN")"
[ -n "$JOB_ID" ] || die "the submission printed no job id; see $LOG_DIR/$RUN-submit.out"
say "job $JOB_ID running; $RECORDS readings at $RATE per second for $MINUTES minutes"
ops_tool_bg verify "${KAFKA_ARGS[@]}" --predictions "$RUN-predictions" --dlq "$RUN-dlq" --input "$RUN-sensors" \
  --job-name "$RUN" --rest "$REST_URL" --records "$RECORDS" --prefix "$RUN" --dim "$CHAOS_DIM" \
  --bundle "$BUNDLE" --events "$EVENTS" --progress "$PROGRESS" --settle 15s --timeout $((MINUTES + 30))m \
  >"$VERIFY_LOG" 2>&1 &
VERIFY_PID=$!
ops_tool_bg produce "${KAFKA_ARGS[@]}" --topic "$RUN-sensors" --records "$RECORDS" --prefix "$RUN" \
  --dim "$CHAOS_DIM" --rate "$RATE" >"$LOG_DIR/$RUN-produce.out" 2>&1 &
PRODUCER_PID=$!

# Heap in use of a JVM in MiB (survivor, eden and old generation), from jstat.
heap_mb() {
  jstat -gc "$1" 2>/dev/null | awk 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i }
    NR == 2 { printf "%d", ($col["S0U"] + $col["S1U"] + $col["EU"] + $col["OU"]) / 1024 }'
}

# The last completed checkpoint of the job: "<duration ms> <size bytes>", or "-1 -1".
checkpoint_stats() {
  curl -fsS "$REST_URL/jobs/$JOB_ID/checkpoints" 2>/dev/null | python3 -c '
import json, sys
try:
    c = (json.load(sys.stdin).get("latest") or {}).get("completed") or {}
    print(c.get("end_to_end_duration", -1), c.get("state_size", c.get("checkpointed_size", -1)))
except Exception:
    print(-1, -1)' 2>/dev/null || echo "-1 -1"
}

printf 'minute\tprocess\tmetric\tvalue\n' >"$TSV"
sample() {
  local minute="$1" name pid rss threads fds heap line=""
  for name in broker-1 broker-2 broker-3 jobmanager taskmanager-1 taskmanager-2; do
    pid="$(pid_of "$name")"
    [ -n "$pid" ] && [ -d "/proc/$pid" ] || continue
    rss=$(awk '/^VmRSS:/ { printf "%d", $2 / 1024 }' "/proc/$pid/status")
    threads=$(awk '/^Threads:/ { print $2 }' "/proc/$pid/status")
    fds=$(find "/proc/$pid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
    heap=$(heap_mb "$pid")
    printf '%s\t%s\trss_mb\t%s\n%s\t%s\theap_mb\t%s\n%s\t%s\tfds\t%s\n%s\t%s\tthreads\t%s\n' \
      "$minute" "$name" "$rss" "$minute" "$name" "${heap:--1}" "$minute" "$name" "$fds" "$minute" "$name" "$threads" >>"$TSV"
    line+=" $name rss=${rss}M heap=${heap:-?}M fds=$fds threads=$threads;"
  done
  read -r cp_ms cp_bytes <<<"$(checkpoint_stats)"
  printf '%s\tjob\tcheckpoint_ms\t%s\n%s\tjob\tcheckpoint_bytes\t%s\n' "$minute" "$cp_ms" "$minute" "$cp_bytes" >>"$TSV"
  read_progress "$PROGRESS"
  echo "soak: minute $minute committed=$DISTINCT lag=$LAG checkpoint=${cp_ms}ms/${cp_bytes}B;$line" >&2
}

# The rollout step, called every ROLLOUT_EVERY minutes while the load runs. The job has no rollout
# mechanism yet: when it has one, this is where the soak starts it (and, like upgrade.sh, appends a
# "kill rollout ..." line to $EVENTS so the verifier reports the switch as a recovery), waiting
# until the rollout has finished before it returns.
ROLLOUTS_DUE=0
rollout_step() {
  local minute="$1"
  ROLLOUTS_DUE=$((ROLLOUTS_DUE + 1))
  say "soak: minute $minute: rollout due (no rollout mechanism in the job yet; skipped)"
}

START=$SECONDS
for ((m = 0; m <= MINUTES; m++)); do
  while ((SECONDS < START + m * 60)); do
    kill -0 "$VERIFY_PID" 2>/dev/null || die "the verifier stopped early; see $VERIFY_LOG"
    sleep 1
  done
  sample "$m"
  if ((ROLLOUT_EVERY > 0 && m > 0 && m < MINUTES && m % ROLLOUT_EVERY == 0)); then
    rollout_step "$m"
  fi
done

await_verdict

# Growth check (see the usage): first half against last half of the samples after minute 1.
GROWING="$(awk -F'\t' -v minutes="$MINUTES" '
  NR == 1 || $2 == "" || $4 < 0 || $1 < 1 { next }
  {
    key = $2 " " $3; half = ($1 <= (minutes + 1) / 2) ? 1 : 2
    sum[key, half] += $4; n[key, half]++; keys[key] = $3
  }
  END {
    floor["rss_mb"] = 128; floor["heap_mb"] = 128; floor["fds"] = 64; floor["threads"] = 32
    floor["checkpoint_bytes"] = 1048576; floor["checkpoint_ms"] = 2000
    out = ""
    for (k in keys) {
      if (!n[k, 1] || !n[k, 2]) continue
      a = sum[k, 1] / n[k, 1]; b = sum[k, 2] / n[k, 2]
      printf "soak: %s first half %.0f, last half %.0f\n", k, a, b > "/dev/stderr"
      if (b > a * 1.25 && b - a > floor[keys[k]]) { gsub(" ", ":", k); out = out (out == "" ? "" : ",") k }
    }
    print (out == "" ? "none" : out)
  }' "$TSV")"
say "soak run $RUN took $((SECONDS - T0)) s; samples in $TSV"
cancel_job "$JOB_ID"
JOB_ID=""
stop_started_cluster
echo "$(echo "$VERDICT" | sed 's/ max_recovery_s=[^ ]*//') growing=$GROWING"
[ "$GROWING" = none ] || exit 1
exit "$VERIFY_RC"
