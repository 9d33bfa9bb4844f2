/*
 * Copyright 2026 the Polyroute authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
package io.polyroute.job.operators;

/** Names of every metric the job's operators register, in one place. */
public final class JobMetrics {
    /** Records that passed decoding and validation. */
    public static final String RECORDS_ACCEPTED = "polyrouteRecordsAccepted";
    /**
     * Records sent to the dead-letter topic by the operator. Every operator that refuses records
     * registers it, so its sum over the job equals the dead letters written.
     */
    public static final String RECORDS_REJECTED = "polyrouteRecordsRejected";
    /** Duplicate event ids refused within the dedupe horizon (also counted in {@link #RECORDS_REJECTED}). */
    public static final String DUPLICATES = "polyrouteDuplicates";
    /** Records in each flushed micro-batch. */
    /** Gauge: records at which the operator's current micro-batch is cut (grows under backlog). */
    public static final String BATCH_TARGET_SIZE = "polyrouteBatchTargetSize";
    /** Histogram: mean rows per expert run of each fused batch, over every stage. */
    public static final String ROWS_PER_EXPERT_RUN = "polyrouteRowsPerExpertRun";

    public static final String BATCH_SIZE = "polyrouteBatchSize";
    /** Milliseconds the oldest record of a flushed batch waited in the buffer. */
    public static final String BATCH_DELAY_MS = "polyrouteBatchDelayMs";
    /** Microseconds of model time per flushed batch. */
    public static final String BATCH_RUN_US = "polyrouteBatchRunMicros";
    /** Records currently buffered by the operator. */
    public static final String QUEUE_DEPTH = "polyrouteQueueDepth";
    /** Expert sessions resident on this slot. */
    public static final String RESIDENT_SESSIONS = "polyrouteResidentSessions";
    /** Records served per expert (registered in an {@code expert} sub-group). */
    public static final String EXPERT_RECORDS = "polyrouteExpertRecords";
    /** Predictions completed by the operator. */
    public static final String PREDICTIONS = "polyroutePredictions";
    /** Version of the placement plan in force. */
    public static final String PLAN_VERSION = "polyroutePlanVersion";
    /**
     * Records of the plans topic the job ignored: undecodable, for another job or bundle, or of
     * another stage, expert or slot count (see {@code PlanFilter}).
     */
    public static final String PLANS_IGNORED = "polyroutePlansIgnored";
    /** Load windows the rebalancer could not plan (it logs each and keeps the plan in force). */
    public static final String REBALANCE_FAILURES = "polyrouteRebalanceFailures";

    /** Records whose routing optional balancing (bias or capacity) changed. */
    public static final String REROUTED = "polyrouteRerouted";
    /** Largest absolute balancing bias of the operator's stages, in logits. */
    public static final String MAX_ABS_BIAS = "polyrouteBalancingMaxAbsBias";

    private JobMetrics() {}
}
