package io.polyroute.kit.factory;

/**
 * One record of the simulated factory, shaped like a {@code SensorReading}.
 *
 * @param sourceId the machine, e.g. {@code press-07}
 * @param task the machine type, e.g. {@code press}; usable as a routing feature
 * @param features the 32 readings in the order of {@link FactorySimulator#FEATURE_NAMES}
 * @param eventTimeMillis when the reading was taken
 * @param truth the latent state and health behind the reading, for tests and quality figures
 * @param sequence position of the reading in its simulator's stream, from 0; with the seed it
 *     makes a unique, replayable event id such as {@code sim-7-000123}
 */
public record FactoryReading(
        String sourceId, String task, float[] features, long eventTimeMillis, GroundTruth truth, long sequence) {}
