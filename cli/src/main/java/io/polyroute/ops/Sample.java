package io.polyroute.ops;

/**
 * One observation of a running job.
 *
 * @param millis wall-clock time of the observation
 * @param committed committed predictions read so far (duplicates included)
 * @param restarts the job's restart count, or -1 when the JobManager did not answer
 * @param heapUsed the largest TaskManager heap in use, in bytes, or -1 when not sampled
 * @param lag records of the input topic not yet committed by the job's consumer group, or -1
 */
record Sample(long millis, long committed, long restarts, long heapUsed, long lag) {}
