package io.polyroute.job.operators;

import java.io.Serializable;
import java.util.List;

/**
 * What a record must satisfy to be served by a bundle, shipped to the decode operator.
 *
 * @param featureDim features per record
 * @param tasks the bundle's task vocabulary
 * @param requiresTask whether a stage routes on the task (then the task must be in the vocabulary)
 * @param maxRecordBytes largest accepted record value
 */
public record InputContract(int featureDim, List<String> tasks, boolean requiresTask, int maxRecordBytes)
        implements Serializable {}
