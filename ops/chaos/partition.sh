#!/usr/bin/env bash
# Network chaos test of the exactly-once guarantee: the cluster runs with every broker, the
# JobManager and every TaskManager in its own network namespace (ops/cluster/up.sh --netns); under
# a steady paced load, processes are cut off from each other and a link is made slow and lossy,
# one fault after the other; the verifier checks every committed prediction.
set -euo pipefail
export POLYROUTE_CLUSTER_NETNS=1
source "$(dirname "${BASH_SOURCE[0]}")/../cluster/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/netfaults.sh"

usage() {
  cat <<USAGE
Usage: ops/chaos/partition.sh [--quick] [--rate R] [--mode M] [--keep-cluster]

Starts a namespaced cluster (ops/cluster/up.sh --netns: 3 brokers, a JobManager and 2
TaskManagers, each in its own network namespace with its own address), runs the job on it under a
steady load of R readings per second, and in sequence:
  1. partitions the leader broker of input partition 0 from everything for 30 s
  2. partitions a TaskManager that runs tasks from the JobManager and the brokers for 30 s
  3. delays every packet on one broker's link by 200 ms +- 50 ms and loses 5 % of them, 60 s
  4. partitions the JobManager from both TaskManagers for 20 s
After each fault it waits until the job has caught up (input lag at most 5 s of input) and
records how long that took from the end of the fault. Then it checks the committed predictions
(read_committed): every event id exactly once, values equal to an uninterrupted in-process run.

Output: one 'recovery: fault N (...)' line per fault, then the last line
  records=<n> lost=<n> duplicated=<n> mismatched=<n> max_recovery_s=<x>
where a fault's recovery time runs from its end until the job has caught up.
Exit code 0 only when lost, duplicated and mismatched are all 0 and every fault was recovered from.
Needs root, iproute2, iptables and python3. The cluster is removed on exit, failure and Ctrl-C.

Options:
  --quick          $QUICK_RATE readings/s, ${QUICK_GAP} s of steady load between faults (the size CI runs)
  --rate R         readings per second (default $RATE)
  --mode M         job.mode: expert-parallel (default) or fused
  --keep-cluster   leave the cluster running afterwards (stop it with ops/cluster/down.sh --netns)
  -h, --help       show this help
USAGE
}

QUICK_RATE=500
QUICK_GAP=15
RATE=1000
GAP=60
MODE=expert-parallel
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) RATE=$QUICK_RATE GAP=$QUICK_GAP ;;
    --rate) RATE="${2:?--rate needs a number}"; shift ;;
    --mode) MODE="${2:?--mode needs a value}"; shift ;;
    --keep-cluster) KEEP=1 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
  esac
  shift
done
[[ "$RATE" =~ ^[0-9]+$ ]] && ((RATE >= 10)) || die "--rate must be a whole number of at least 10"
require_fault_tools

# The fault plan: duration of each fault, and how long the script allows for recovering from it.
FAULT_SECONDS=(30 30 60 20)
RECOVERY_ALLOWANCE=$((GAP == QUICK_GAP ? 25 : 45))
STEADY_LAG=$((RATE * 5))
# The job's start (deployment, first checkpoint) takes about a minute before the first steady gap.
PLANNED=$((60 + GAP))
for d in "${FAULT_SECONDS[@]}"; do PLANNED=$((PLANNED + d + RECOVERY_ALLOWANCE + GAP)); done
RECORDS=$((RATE * PLANNED))

VERIFY_PID=""
PRODUCER_PID=""
JOB_ID=""
HEALS=()
cleanup() {
  local rc=$? heal
  trap - EXIT INT TERM
  for heal in "${HEALS[@]}"; do $heal >/dev/null 2>&1 || true; done
  stop_pid "$VERIFY_PID"
  stop_pid "$PRODUCER_PID"
  cancel_job "$JOB_ID"
  if [ "$KEEP" = 0 ]; then
    "$CLUSTER_DIR/down.sh" --netns >/dev/null 2>&1 || netns_destroy
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

T0=$SECONDS
ensure_jar
netns_exists && die "a namespaced cluster with port base $PORT_BASE runs already; stop it with ops/cluster/down.sh --netns"
say "starting the namespaced cluster ($NS_SUBNET.0/24)"
mkdir -p "$TARGET_DIR"
"$CLUSTER_DIR/up.sh" --netns >"$TARGET_DIR/netrun.up.out" 2>&1 \
  || { cat "$TARGET_DIR/netrun.up.out" >&2; die "ops/cluster/up.sh --netns failed"; }
ensure_bundle

RUN="partition-$(date +%Y%m%d-%H%M%S)"
EVENTS="$RUN_DIR/$RUN.events"
PROGRESS="$RUN_DIR/$RUN.progress"
VERIFY_LOG="$LOG_DIR/$RUN-verify.out"
: >"$EVENTS"
KAFKA_ARGS=(--bootstrap-servers "$(bootstrap_servers)")

say "creating topics for $RUN (replication 3, min.insync.replicas 2)"
ops_tool topics "${KAFKA_ARGS[@]}" --partitions 4 \
  "$RUN-sensors" "$RUN-predictions" "$RUN-dlq" "$RUN-load" "$RUN-plans" >&2
write_job_file "$RUN" "$MODE" "2 s"
say "submitting the job ($MODE) to $REST_URL"
JOB_ID="$(submit_job "$RUN")"
[ -n "$JOB_ID" ] || die "the submission printed no job id; see $LOG_DIR/$RUN-submit.out"
say "job $JOB_ID running; verifier log: $VERIFY_LOG"

ops_tool_bg verify "${KAFKA_ARGS[@]}" --predictions "$RUN-predictions" --dlq "$RUN-dlq" \
  --input "$RUN-sensors" --job-name "$RUN" --rest "$REST_URL" --records "$RECORDS" --prefix "$RUN" \
  --dim "$CHAOS_DIM" --bundle "$BUNDLE" --events "$EVENTS" --progress "$PROGRESS" --steady-lag "$STEADY_LAG" \
  --settle 15s --timeout 60m >"$VERIFY_LOG" 2>&1 &
VERIFY_PID=$!

# The producer rides out a partitioned leader: its requests are retried for up to 10 minutes.
say "producing $RECORDS readings at $RATE per second (about $PLANNED s)"
ops_tool_bg produce "${KAFKA_ARGS[@]}" --kafka-property delivery.timeout.ms=600000 --topic "$RUN-sensors" \
  --records "$RECORDS" --prefix "$RUN" --dim "$CHAOS_DIM" --rate "$RATE" >"$LOG_DIR/$RUN-produce.out" 2>&1 &
PRODUCER_PID=$!

alive_or_die() {
  kill -0 "$VERIFY_PID" 2>/dev/null || die "the verifier stopped early; see $VERIFY_LOG"
}

# Steady load for $1 seconds, the verifier still following.
steady() {
  local until=$((SECONDS + $1))
  while ((SECONDS < until)); do alive_or_die; sleep 0.5; done
}

# Waits until committed output has moved and the input lag is at most STEADY_LAG; prints seconds.
await_caught_up() {
  local start=$SECONDS before
  read_progress "$PROGRESS"
  before=$TOTAL
  while true; do
    alive_or_die
    read_progress "$PROGRESS"
    if ((TOTAL > before && LAG >= 0 && LAG <= STEADY_LAG)); then
      echo $((SECONDS - start))
      return 0
    fi
    if ((SECONDS - start >= 300)); then
      echo never
      return 0
    fi
    sleep 0.5
  done
}

FAULT_NO=0
# fault DESCRIPTION SECONDS CUT_COMMAND HEAL_COMMAND
fault() {
  local what="$1" seconds="$2" cut="$3" heal="$4" waited
  FAULT_NO=$((FAULT_NO + 1))
  kill -0 "$PRODUCER_PID" 2>/dev/null || say "warning: the producer has finished; fault $FAULT_NO hits a job without new input"
  read_progress "$PROGRESS"
  say "fault $FAULT_NO: $what for $seconds s (committed $DISTINCT/$RECORDS, lag $LAG)"
  echo "$(now_ms) fault $what" >>"$EVENTS"
  HEALS+=("$heal")
  $cut
  steady "$seconds"
  $heal
  echo "$(now_ms) heal $what" >>"$EVENTS"
  say "fault $FAULT_NO healed; waiting until the job has caught up (input lag <= $STEADY_LAG)"
  waited="$(await_caught_up)"
  say "fault $FAULT_NO: caught up ${waited} s after it ended"
  [ "$waited" != never ] || die "the job had not caught up 300 s after fault $FAULT_NO ($what) ended; see $LOG_DIR"
}

say "steady load for $GAP s before the first fault"
steady "$GAP"
await_caught_up >/dev/null

LEADER="$(ops_tool leader "${KAFKA_ARGS[@]}" --topic "$RUN-sensors" --partition 0 2>>"$LOG_DIR/ops-tool.out" | tail -n 1)"
[[ "$LEADER" =~ ^[0-9]+$ ]] || die "could not find the leader of partition 0 of $RUN-sensors"
fault "partition broker-$LEADER (leader of $RUN-sensors-0) from everything" "${FAULT_SECONDS[0]}" \
  "isolate broker-$LEADER" "unisolate broker-$LEADER"
steady "$GAP"

TM="$(busy_taskmanager)"
[ -n "$TM" ] || TM=1
cut_tm() { cut_pair "taskmanager-$TM" jobmanager; for ((b = 1; b <= BROKERS; b++)); do cut_pair "taskmanager-$TM" "broker-$b"; done; }
heal_tm() { heal_pair "taskmanager-$TM" jobmanager; for ((b = 1; b <= BROKERS; b++)); do heal_pair "taskmanager-$TM" "broker-$b"; done; }
fault "partition taskmanager-$TM from the JobManager and the brokers" "${FAULT_SECONDS[1]}" cut_tm heal_tm
steady "$GAP"

SLOW="$(ops_tool leader "${KAFKA_ARGS[@]}" --topic "$RUN-sensors" --partition 1 2>>"$LOG_DIR/ops-tool.out" | tail -n 1)"
[[ "$SLOW" =~ ^[0-9]+$ ]] || SLOW=1
slow_broker() { slow_link "broker-$SLOW" 200 50 5; }
fast_broker() { fast_link "broker-$SLOW"; }
fault "delay 200 ms +- 50 ms and lose 5 % on broker-$SLOW's link" "${FAULT_SECONDS[2]}" slow_broker fast_broker
steady "$GAP"

cut_jm() { cut_pair jobmanager taskmanager-1; cut_pair jobmanager taskmanager-2; }
heal_jm() { heal_pair jobmanager taskmanager-1; heal_pair jobmanager taskmanager-2; }
fault "partition the JobManager from both TaskManagers" "${FAULT_SECONDS[3]}" cut_jm heal_jm
HEALS=()

say "all faults done; waiting for the producer and the verifier"
wait "$PRODUCER_PID" || die "producing the readings failed; see $LOG_DIR/$RUN-produce.out"
PRODUCER_PID=""
tail -n 1 "$LOG_DIR/$RUN-produce.out" >&2
set +e
wait "$VERIFY_PID"
VERIFY_RC=$?
set -e
VERIFY_PID=""
grep -v '^verify: +' "$VERIFY_LOG" | grep -v '^records=' | grep -v '^recovery: fault' >&2 || true
LAST="$(grep '^records=' "$VERIFY_LOG" | tail -n 1)"
[ -n "$LAST" ] || die "the verifier printed no verdict (exit $VERIFY_RC); see $VERIFY_LOG"
say "partition run $RUN took $((SECONDS - T0)) s"
grep '^recovery: fault' "$VERIFY_LOG" || true
echo "$LAST"
# A fault after which the job never caught up shows as max_recovery_s=Infinity.
[[ "$LAST" == *max_recovery_s=Infinity* ]] && VERIFY_RC=1
exit "$VERIFY_RC"
