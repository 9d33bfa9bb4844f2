package io.polyroute.kit.factory;

/**
 * What the simulator knows about a reading and a model has to infer.
 *
 * @param regime index of the machine type in {@link FactorySimulator#MACHINE_TYPES}
 * @param load latent load in [0, 1]
 * @param speed latent speed in [0, 1]
 * @param wear latent wear in [0, 1]; maintenance resets it
 * @param healthScore the true health score in (0, 1): 0 healthy, 1 failing
 * @param anomaly whether {@code healthScore} is at or above {@link FactorySimulator#ANOMALY_THRESHOLD}
 */
public record GroundTruth(int regime, double load, double speed, double wear, double healthScore, boolean anomaly) {}
