package io.polyroute.kit.factory;

import io.polyroute.runtime.bundle.ModelBundle;
import java.time.Duration;

/**
 * The result of {@link FactoryModelKit#build}.
 *
 * @param bundle the written bundle, loaded and validated
 * @param report the held-out quality figures (also in the manifest's {@code quality} map)
 * @param elapsed wall-clock time of the whole build
 */
public record FactoryBuild(ModelBundle bundle, QualityReport report, Duration elapsed) {}
