package io.polyroute.job.config;

/** How the Flink job is laid out; both modes produce identical predictions. */
public enum JobMode {
    /** Gate, experts and combine run as separate operators connected by shuffles. */
    EXPERT_PARALLEL,
    /** Gate, every expert and combine run inside one operator per subtask, without shuffles. */
    FUSED
}
