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
package io.polyroute.monitor;

import io.polyroute.avro.Prediction;
import io.polyroute.avro.ShadowPair;
import io.polyroute.monitor.aggregate.LatencySketch;
import io.polyroute.monitor.aggregate.LoadMatrix;
import io.polyroute.monitor.aggregate.ShadowStats;
import io.polyroute.monitor.aggregate.SourceStats;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The monitor's state stores. Every windowed aggregate is kept at each {@link Resolution} in a
 * window store named {@code <aggregate>-<resolution>}, e.g. {@code latency-1s}; the plan history
 * is a key-value store. Each stream task keeps its own partial values, which the queries merge.
 */
public final class MonitorStores {

    /** Key of the aggregates that cover every record (throughput, latency, routed load). */
    public static final String ALL = "all";

    /** Predictions per window. Key {@link #ALL}. */
    public static final WindowedAggregate<String, Long> THROUGHPUT =
            new WindowedAggregate<>("throughput", Serdes.String(), Serdes.Long(), Long::sum);

    /** End-to-end latency sketch per window. Key {@link #ALL}. */
    public static final WindowedAggregate<String, LatencySketch> LATENCY =
            new WindowedAggregate<>("latency", Serdes.String(), LatencySketch.serde(), LatencySketch::add);

    /** Expert invocations per (stage, expert, slot) as the predictions record them. Key {@link #ALL}. */
    public static final WindowedAggregate<String, LoadMatrix> ROUTED_LOAD =
            new WindowedAggregate<>("routed-load", Serdes.String(), LoadMatrix.serde(), LoadMatrix::add);

    /**
     * Load as the job's operators report it on the load topic. Key: the report source,
     * {@code GATE} (demand per expert, slot {@link LoadMatrix#UNPLACED}) or {@code EXPERT}
     * (records, service time and queue depth per slot).
     */
    public static final WindowedAggregate<String, LoadMatrix> REPORTED_LOAD =
            new WindowedAggregate<>("reported-load", Serdes.String(), LoadMatrix.serde(), LoadMatrix::add);

    /** Dead letters per window. Key: the reason, e.g. {@code WRONG_DIMENSION}. */
    public static final WindowedAggregate<String, Long> DEAD_LETTERS =
            new WindowedAggregate<>("dead-letters", Serdes.String(), Serdes.Long(), Long::sum);

    /** Output mean and anomaly count per source and window. Key: the source id. */
    public static final WindowedAggregate<String, SourceStats> SOURCES =
            new WindowedAggregate<>("sources", Serdes.String(), SourceStats.serde(), SourceStats::add);

    /** Predictions per model version and window. Key: the version the prediction names, {@code name:version}. */
    public static final WindowedAggregate<String, Long> VERSIONS =
            new WindowedAggregate<>("versions", Serdes.String(), Serdes.Long(), Long::sum);

    /**
     * Shadow pairs per window, only when the monitor reads a shadow topic. Key: the served and the
     * shadow version, {@code served -> shadow} ({@link #shadowKey}).
     */
    public static final WindowedAggregate<String, ShadowStats> SHADOW =
            new WindowedAggregate<>("shadow", Serdes.String(), ShadowStats.serde(), ShadowStats::add);

    /** Separates the served and the shadow version in a key of {@link #SHADOW}. */
    public static final String SHADOW_SEPARATOR = " -> ";

    /** Key-value store of the routing profile of every source ({@code RoutingProfile}), by source id. */
    public static final String PROFILES = "routing-profiles";

    /** Key-value store of the open and recent alerts ({@code Alert}), by alert id. */
    public static final String ALERTS = "alerts";

    /** Key-value store of alert counters: {@code raised.<KIND>}, {@code cleared.<KIND>}, {@code untracked}. */
    public static final String ALERT_COUNTERS = "alert-counters";

    /**
     * Window store of the recent predictions by event id, for the routing record of one
     * prediction; not backed by a changelog (after a restart it fills again).
     */
    public static final String RECENT_PREDICTIONS = "recent-predictions";

    /** Key-value store of the latest placement plans, by version. */
    public static final String PLANS = "plans";

    private MonitorStores() {}

    /** Every windowed aggregate the monitor always keeps ({@link #SHADOW} only with a shadow topic). */
    public static List<WindowedAggregate<String, ?>> windowed() {
        return List.of(THROUGHPUT, LATENCY, ROUTED_LOAD, REPORTED_LOAD, DEAD_LETTERS, SOURCES, VERSIONS);
    }

    /** The key of {@link #VERSIONS} for {@code p}: {@code name:version} of the model it names. */
    public static String versionKey(Prediction p) {
        return p.getModel().getName() + ":" + p.getModel().getVersion();
    }

    /** The key of {@link #SHADOW} for {@code p}: {@code served -> shadow}, each {@code name:version}. */
    public static String shadowKey(ShadowPair p) {
        return p.getServed().getBundleName() + ":" + p.getServed().getBundleVersion() + SHADOW_SEPARATOR
                + p.getShadow().getBundleName() + ":" + p.getShadow().getBundleVersion();
    }
}
