#!/usr/bin/env bash
# Soak test: the job runs for M minutes under a steady paced load with routing balancing on the
# local cluster and rolls forward to another model version every K minutes; every minute the
# script records each process's resident memory (whole, and outside the Java heap), heap (in use,
# and its low-water mark), open file descriptors and threads, and the last checkpoint's duration
# and size; at the end it fails if any judged metric kept growing, if a rollout failed, or if a
# prediction was lost, duplicated or wrong for the version it names.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../cluster/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() {
  cat <<USAGE
Usage: ops/chaos/soak.sh --minutes M [--rate R] [--mode M] [--rollout-every K]
                         [--dedupe-horizon S] [--keep-cluster]

Runs the job on the local cluster (started here unless it already runs) under R readings per
second for M minutes, with bias balancing on (balancing.bias.enabled). With rollouts on (the
default), the job runs with rollout.enabled (job.mode fused unless --mode says otherwise), and every K minutes the script rolls
it forward with 'polyroute rollout start --mode switch' to the other of two versions of the
synthetic bundle (synthetic-moe:1, seed 11, and synthetic-moe:2, seed 12, built once): 1 -> 2 -> 1
...; it waits for every subtask to report ACTIVE and records the time from the command to the
first committed prediction of the new version. The verifier checks every prediction against the
reference.onnx of the version it names (a balanced one by replaying its recorded routing).
With --rollout-every 0 no rollout is made and the job runs in job.mode expert-parallel by default.

At the start and every minute it prints, per process (brokers, JobManager, TaskManagers): RSS,
RSS outside the Java heap, heap in use, the heap's low-water mark, open file descriptors,
threads; and the last completed checkpoint's duration and size. All samples also go to
<run>.soak.tsv in the run folder (draw them with ops/chaos/soak_chart.py).

How the memory figures are taken:
  heap_low_mb     the smallest heap in use (jstat -gc: survivors, eden, old generation) of the
                  minute, sampled every 2 s: the heap just after a collection, which approximates
                  the live set once the old generation has been collected too (before that,
                  garbage promoted to it counts). Raw samples (heap_mb) swing with the
                  collection cycle.
  nonheap_rss_mb  VmRSS minus the resident pages of the Java heap's address range (from
                  'jcmd <pid> GC.heap_info' and /proc/<pid>/smaps): memory outside the heap
                  (metaspace, code, thread stacks, direct buffers, ONNX Runtime). A JVM's RSS
                  also rises while its collector touches heap pages for the first time, even with
                  -Xms equal to -Xmx, so raw RSS (rss_mb) is recorded but not judged.

Growth criterion, per process and judged metric (heap_low_mb, nonheap_rss_mb, fds, threads,
checkpoint_bytes, checkpoint_ms), over the samples after the first minute: the mean of the last
half is compared with the mean of the first half; the soak fails if it rose by more than 25 % and
by more than a floor (memory 128 MiB, 64 descriptors, 32 threads, checkpoint size 1 MiB,
checkpoint duration 2 s). Needs at least 4 minutes for the comparison.

Checkpoint size: the job's state is almost all the dedupe table, which grows to a plateau of at
most 2 x R x horizon ids (docs/reliability.md). With the job's default horizon of 5 min that
plateau is not reached within an hour, so the soak shortens it (--dedupe-horizon, default 60 s in
the fused mode, 90 s in expert-parallel, where it must exceed combine.timeout); the summary
prints it.

Last line:
  records=<n> lost=<n> duplicated=<n> mismatched=<n> versions=<name:version:n,...>
  rollouts=<done>/<due> switch_ms=<ms,...> dedupe_horizon_s=<s> growing=<metrics or none>
Exit code 0 only when nothing was lost, duplicated or wrong, every rollout became ACTIVE and
nothing grew.

Options:
  --minutes M          length of the soak (default 10)
  --rate R             readings per second (default 500)
  --mode M             job.mode: fused (default with rollouts) or expert-parallel (default with
                       --rollout-every 0)
  --rollout-every K    minutes between rollouts (default 10; 0: none)
  --dedupe-horizon S   the job's dedupe.horizon in seconds (default 60 fused, 90 expert-parallel)
  --keep-cluster       leave a cluster this script started running afterwards
  -h, --help           show this help
USAGE
}

MINUTES=10
RATE=500
MODE=""
HORIZON=""
ROLLOUT_EVERY=10
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) MINUTES="${2:?--minutes needs a number}"; shift ;;
    --rollout-every) ROLLOUT_EVERY="${2:?--rollout-every needs a number}"; shift ;;
    --dedupe-horizon) HORIZON="${2:?--dedupe-horizon needs a number of seconds}"; shift ;;
    *) common_option "$@" || unknown_option "$1"; shift $((OPT_SHIFT - 1)) ;;
  esac
  shift
done
[[ "$MINUTES" =~ ^[0-9]+$ ]] && ((MINUTES >= 4)) || die "--minutes must be a whole number of at least 4"
[[ "$RATE" =~ ^[0-9]+$ ]] && ((RATE >= 1)) || die "--rate must be a positive whole number"
[[ "$ROLLOUT_EVERY" =~ ^[0-9]+$ ]] || die "--rollout-every must be a whole number of minutes"
if [ -z "$MODE" ]; then
  if ((ROLLOUT_EVERY > 0)); then MODE=fused; else MODE=expert-parallel; fi
fi
case "$MODE" in fused | expert-parallel) ;; *) die "--mode must be fused or expert-parallel, not '$MODE'" ;; esac
if [ -z "$HORIZON" ]; then
  if [ "$MODE" = fused ]; then HORIZON=60; else HORIZON=90; fi
fi
[[ "$HORIZON" =~ ^[0-9]+$ ]] && ((HORIZON >= 1)) || die "--dedupe-horizon must be a positive whole number of seconds"
command -v jstat >/dev/null || die "jstat (from the JDK) is needed to read the heap of each process"
command -v jcmd >/dev/null || die "jcmd (from the JDK) is needed to find the heap of each process"
# The interpreter itself, not a version manager's shim: it runs for every process every minute.
PYTHON="$(python3 -c 'import sys; print(sys.executable)')" || die "python3 is needed"

# Background heap samplers (one 'jstat -gc <pid> 2000' per JVM), ended with the script.
JSTAT_PIDS=()
soak_cleanup() {
  local rc=$? p
  set +e   # (exit "$rc") below would otherwise end the handler before chaos_cleanup
  for p in "${JSTAT_PIDS[@]}"; do
    kill "$p" 2>/dev/null
  done
  (exit "$rc")
  chaos_cleanup
}
install_cleanup
trap soak_cleanup EXIT

T0=$SECONDS
ensure_jar
ensure_cluster
ensure_bundle

# The second version the rollouts alternate with: the same shape, another seed, version 2.
BUNDLE_V1="$BUNDLE"
BUNDLE_V2="$DATA_DIR/bundles/chaos-synthetic-v2"
if ((ROLLOUT_EVERY > 0)) && [ "$MODE" = fused ] && [ ! -f "$BUNDLE_V2/bundle.yaml" ]; then
  say "building version 2 of the synthetic bundle in $BUNDLE_V2"
  rm -rf "$BUNDLE_V2"
  POLYROUTE_SKIP_BUILD=1 "$ROOT_DIR/polyroute" bundle build --synthetic --input-dim "$CHAOS_DIM" --hidden 32 \
    --experts 8 --top-k 2 --seed 12 --bundle-version 2 --out "$BUNDLE_V2" >"$LOG_DIR/bundle-build-v2.out" 2>&1 \
    || die "building version 2 of the bundle failed; see $LOG_DIR/bundle-build-v2.out"
fi

RUN="soak-$(date +%Y%m%d-%H%M%S)"
EVENTS="$RUN_DIR/$RUN.events"
PROGRESS="$RUN_DIR/$RUN.progress"
VERIFY_LOG="$LOG_DIR/$RUN-verify.out"
TSV="$RUN_DIR/$RUN.soak.tsv"
RECORDS=$((RATE * MINUTES * 60))
: >"$EVENTS"
NAMES=(broker-1 broker-2 broker-3 jobmanager taskmanager-1 taskmanager-2)
declare -A HEAP_RANGE JSTAT_FILE JSTAT_SEEN
# Per JVM: the address range of its heap ('<start> <end>' in hex, from GC.heap_info; the JVMs are
# asked at once, as each jcmd is a JVM start) and a background 'jstat -gc' that samples its heap
# every 2 s.
JCMD_PIDS=()
for name in "${NAMES[@]}"; do
  pid="$(pid_of "$name")"
  [ -n "$pid" ] && [ -d "/proc/$pid" ] || continue
  jcmd "$pid" GC.heap_info >"$RUN_DIR/$RUN.heapinfo.$name" 2>/dev/null &
  JCMD_PIDS+=($!)
  JSTAT_FILE[$name]="$RUN_DIR/$RUN.jstat.$name"
  JSTAT_SEEN[$name]=1
  jstat -gc "$pid" 2000 >"${JSTAT_FILE[$name]}" 2>/dev/null &
  JSTAT_PIDS+=($!)
done
for pid in "${JCMD_PIDS[@]}"; do
  wait "$pid" || true
done
for name in "${!JSTAT_FILE[@]}"; do
  HEAP_RANGE[$name]="$(grep -o '0x[0-9a-f]*' "$RUN_DIR/$RUN.heapinfo.$name" | "$PYTHON" -c '
import sys
a = [int(w, 16) for w in sys.stdin.read().split()]
print("%x %x" % (min(a), max(a)) if a else "")' || true)"
  [ -n "${HEAP_RANGE[$name]}" ] || say "soak: no heap address range for $name; its RSS outside the heap is not judged"
done

KAFKA_ARGS=(--bootstrap-servers "$(bootstrap_servers)")
ops_tool topics "${KAFKA_ARGS[@]}" --partitions 4 \
  "$RUN-sensors" "$RUN-predictions" "$RUN-dlq" "$RUN-load" "$RUN-plans" >&2
write_job_file "$RUN" "$MODE" "2 s"
ROLLOUTS_ON=0
((ROLLOUT_EVERY > 0)) && ROLLOUTS_ON=1
cat >>"$RUN_DIR/$RUN.yaml" <<YAML
dedupe:
  horizon: $HORIZON s
balancing:
  bias:
    enabled: true
rollout:
  enabled: $([ "$ROLLOUTS_ON" = 1 ] && echo true || echo false)
YAML
JOB_ID="$(submit_job "$RUN")"
[ -n "$JOB_ID" ] || die "the submission printed no job id; see $LOG_DIR/$RUN-submit.out"
say "job $JOB_ID running; $RECORDS readings at $RATE per second for $MINUTES minutes"
ops_tool_bg verify "${KAFKA_ARGS[@]}" --predictions "$RUN-predictions" --dlq "$RUN-dlq" --input "$RUN-sensors" \
  --job-name "$RUN" --rest "$REST_URL" --records "$RECORDS" --prefix "$RUN" --dim "$CHAOS_DIM" \
  --bundle "$BUNDLE_V1" $([ "$ROLLOUTS_ON" = 1 ] && echo "--bundle $BUNDLE_V2") --events "$EVENTS" \
  --progress "$PROGRESS" --settle 15s --timeout $((MINUTES + 30))m >"$VERIFY_LOG" 2>&1 &
VERIFY_PID=$!
ops_tool_bg produce "${KAFKA_ARGS[@]}" --topic "$RUN-sensors" --records "$RECORDS" --prefix "$RUN" \
  --dim "$CHAOS_DIM" --rate "$RATE" >"$LOG_DIR/$RUN-produce.out" 2>&1 &
PRODUCER_PID=$!

# The heap of a JVM since the last call, from its jstat samples, into HEAP_USED (the last sample),
# HEAP_LOW (the lowest of the samples since the last call) and HEAP_COMMITTED (the last sample), in
# MiB, -1 when there is no sample. Call it directly, not in $(...): it advances JSTAT_SEEN.
heap_stats() {
  local name="$1" file="${JSTAT_FILE[$1]:-}" total
  HEAP_USED=-1 HEAP_LOW=-1 HEAP_COMMITTED=-1
  [ -n "$file" ] && [ -s "$file" ] || return 0
  total=$(wc -l <"$file")
  read -r HEAP_USED HEAP_LOW HEAP_COMMITTED < <(awk -v from="${JSTAT_SEEN[$name]}" -v to="$total" '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    $1 == "S0C" || NR <= from || NR > to { next }
    {
      used = ($col["S0U"] + $col["S1U"] + $col["EU"] + $col["OU"]) / 1024
      committed = ($col["S0C"] + $col["S1C"] + $col["EC"] + $col["OC"]) / 1024
      if (n++ == 0 || used < low) low = used
    }
    END { if (n) printf "%d %d %d\n", used, low, committed; else print "-1 -1 -1" }' "$file")
  JSTAT_SEEN[$name]=$total
}

# Resident MiB of a process inside the address range "<start> <end>" (hex), from smaps.
resident_in_range() {
  "$PYTHON" - "$1" "$2" <<'PY' 2>/dev/null || echo -1
import sys
pid, rng = sys.argv[1], sys.argv[2].split()
lo, hi = int(rng[0], 16), int(rng[1], 16)
kb, inside = 0, False
with open("/proc/%s/smaps" % pid) as f:
    for line in f:
        first = line.split(" ", 1)[0]
        if "-" in first and not line.startswith(("Rss", "Size")) and ":" not in first:
            a, b = (int(x, 16) for x in first.split("-"))
            inside = a >= lo and b <= hi
        elif inside and line.startswith("Rss:"):
            kb += int(line.split()[1])
print(kb // 1024)
PY
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
  local minute="$1" name pid rss threads fds heap low committed heap_rss nonheap line=""
  for name in "${NAMES[@]}"; do
    pid="$(pid_of "$name")"
    [ -n "$pid" ] && [ -d "/proc/$pid" ] || continue
    rss=$(awk '/^VmRSS:/ { printf "%d", $2 / 1024 }' "/proc/$pid/status")
    threads=$(awk '/^Threads:/ { print $2 }' "/proc/$pid/status")
    fds=$(find "/proc/$pid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
    heap_stats "$name"
    heap=$HEAP_USED low=$HEAP_LOW committed=$HEAP_COMMITTED
    nonheap=-1
    if [ -n "${HEAP_RANGE[$name]:-}" ]; then
      heap_rss=$(resident_in_range "$pid" "${HEAP_RANGE[$name]}")
      ((heap_rss >= 0)) && nonheap=$((rss - heap_rss))
    fi
    printf '%s\t%s\t%s\t%s\n' \
      "$minute" "$name" rss_mb "$rss" "$minute" "$name" nonheap_rss_mb "$nonheap" \
      "$minute" "$name" heap_mb "$heap" "$minute" "$name" heap_low_mb "$low" \
      "$minute" "$name" heap_committed_mb "$committed" \
      "$minute" "$name" fds "$fds" "$minute" "$name" threads "$threads" >>"$TSV"
    line+=" $name rss=${rss}M nonheap=${nonheap}M heap=${heap}M low=${low}M fds=$fds threads=$threads;"
  done
  read -r cp_ms cp_bytes <<<"$(checkpoint_stats)"
  printf '%s\tjob\tcheckpoint_ms\t%s\n%s\tjob\tcheckpoint_bytes\t%s\n' "$minute" "$cp_ms" "$minute" "$cp_bytes" >>"$TSV"
  read_progress "$PROGRESS"
  echo "soak: minute $minute committed=$DISTINCT lag=$LAG checkpoint=${cp_ms}ms/${cp_bytes}B;$line" >&2
}

# The rollout step, every ROLLOUT_EVERY minutes while the load runs: a switch to the other version,
# waiting until every subtask reports it ACTIVE. The command's time goes to the events file as a
# mark "rollout-<n>=<name:version>"; the verifier reports the first prediction of that version
# after it.
ROLLOUTS_DUE=0
ROLLOUTS_DONE=0
SERVING=1
rollout_step() {
  local minute="$1" target dir t0 rc out issued issued_ms
  ROLLOUTS_DUE=$((ROLLOUTS_DUE + 1))
  if [ "$ROLLOUTS_ON" != 1 ]; then
    say "soak: minute $minute: rollout due, skipped: rollouts are off (--rollout-every 0)"
    return
  fi
  if [ "$SERVING" = 1 ]; then target=2 dir="$BUNDLE_V2"; else target=1 dir="$BUNDLE_V1"; fi
  out="$LOG_DIR/$RUN-rollout-$ROLLOUTS_DUE.out"
  t0="$(now_ms)"
  set +e
  POLYROUTE_SKIP_BUILD=1 POLYROUTE_JAVA_OPTS=-Xmx256m "$ROOT_DIR/polyroute" rollout start --bundle "$dir" \
    --mode switch --bootstrap-servers "$(bootstrap_servers)" --job "$RUN" --wait 180 >"$out" 2>&1
  rc=$?
  POLYROUTE_SKIP_BUILD=1 POLYROUTE_JAVA_OPTS=-Xmx256m "$ROOT_DIR/polyroute" rollout status \
    --bootstrap-servers "$(bootstrap_servers)" --job "$RUN" >>"$out" 2>&1
  set -e
  # The switch time counts from the command's issued_time (when the client published it, after
  # validating the bundle), as the status prints it; the client's start-up is not part of it.
  issued="$(sed -n 's/^latest command .* issued \([0-9T:.Z-]*\)$/\1/p' "$out" | tail -n 1)"
  issued_ms="$([ -n "$issued" ] && date -d "$issued" +%s%3N 2>/dev/null || echo "$t0")"
  echo "$issued_ms mark rollout-$ROLLOUTS_DUE=synthetic-moe:$target" >>"$EVENTS"
  if [ "$rc" = 0 ]; then
    ROLLOUTS_DONE=$((ROLLOUTS_DONE + 1))
    SERVING=$target
    say "soak: minute $minute: rollout $ROLLOUTS_DUE to synthetic-moe:$target ACTIVE on every subtask" \
      "$(($(now_ms) - t0)) ms after the client started ($((issued_ms - t0)) ms to publish it)"
  else
    say "soak: minute $minute: rollout $ROLLOUTS_DUE to synthetic-moe:$target failed (exit $rc); see $out"
    sed 's/^/  /' "$out" >&2
  fi
}

START=$SECONDS
for ((m = 0; m <= MINUTES; m++)); do
  while ((SECONDS < START + m * 60)); do
    # The verifier ends on its own once every prediction is in and settled; before that it must run.
    kill -0 "$VERIFY_PID" 2>/dev/null || grep -q '^records=' "$VERIFY_LOG" \
      || die "the verifier stopped early; see $VERIFY_LOG"
    sleep 1
  done
  sample "$m"
  if ((ROLLOUT_EVERY > 0 && m > 0 && m < MINUTES && m % ROLLOUT_EVERY == 0)); then
    rollout_step "$m"
  fi
done

await_verdict

# Growth check (see the usage): first half against last half of the samples after minute 1, for
# the judged metrics; the others (raw RSS and heap, committed heap) are printed for reference.
GROWING="$(awk -F'\t' -v minutes="$MINUTES" -v growth="$TSV.growth" '
  NR == 1 || $2 == "" || $4 < 0 || $1 < 1 { next }
  {
    key = $2 " " $3; half = ($1 <= (minutes + 1) / 2) ? 1 : 2
    sum[key, half] += $4; n[key, half]++; keys[key] = $3
  }
  END {
    floor["heap_low_mb"] = 128; floor["nonheap_rss_mb"] = 128; floor["fds"] = 64; floor["threads"] = 32
    floor["checkpoint_bytes"] = 1048576; floor["checkpoint_ms"] = 2000
    out = ""
    for (k in keys) {
      if (!n[k, 1] || !n[k, 2]) continue
      a = sum[k, 1] / n[k, 1]; b = sum[k, 2] / n[k, 2]
      judged = (keys[k] in floor)
      grew = judged && b > a * 1.25 && b - a > floor[keys[k]]
      printf "soak: %s first half %.0f, last half %.0f%s\n", k, a, b, \
        (judged ? (grew ? " GROWING" : " (judged)") : "") > growth
      if (grew) { gsub(" ", ":", k); out = out (out == "" ? "" : ",") k }
    }
    print (out == "" ? "none" : out)
  }' "$TSV")"
sort "$TSV.growth" >&2
VERSIONS="$(sed -n 's/^verify: versions=//p' "$VERIFY_LOG" | tail -n 1)"
SWITCH_MS="$(sed -n 's/^verify: rollout-[0-9]*: command to the first prediction of [^:]*:[^:]*: \(.*\)$/\1/p' "$VERIFY_LOG" \
  | sed 's/ ms$//' | paste -sd, -)"
say "soak run $RUN took $((SECONDS - T0)) s; samples in $TSV"
cancel_job "$JOB_ID"
JOB_ID=""
stop_started_cluster
ROLLOUT_SUMMARY="rollouts=$ROLLOUTS_DONE/$ROLLOUTS_DUE"
[ "$ROLLOUTS_ON" = 1 ] || ROLLOUT_SUMMARY="rollouts=skipped/$ROLLOUTS_DUE"
echo "$(echo "$VERDICT" | sed 's/ max_recovery_s=[^ ]*//') versions=${VERSIONS:-none} $ROLLOUT_SUMMARY" \
  "switch_ms=${SWITCH_MS:-none} dedupe_horizon_s=$HORIZON growing=$GROWING"
[ "$GROWING" = none ] || exit 1
[ "$ROLLOUTS_ON" != 1 ] || [ "$ROLLOUTS_DONE" = "$ROLLOUTS_DUE" ] || exit 1
exit "$VERIFY_RC"
