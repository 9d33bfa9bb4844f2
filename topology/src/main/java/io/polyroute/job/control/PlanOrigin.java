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
package io.polyroute.job.control;

import io.polyroute.avro.PlacementPlan;
import java.io.Serializable;
import java.util.Objects;

/**
 * Whom a placement plan is for: the job ({@code job.name}) and the bundle (name and version) it
 * places the experts of. Written into every plan the rebalancer and {@code polyroute plan pin}
 * publish; {@link PlanFilter} ignores plans for another job or bundle. An empty field is unknown
 * (plans written before the fields existed) and matches anything.
 *
 * @param job the job name, or empty
 * @param bundleName the bundle name, or empty
 * @param bundleVersion the bundle version, or empty
 */
public record PlanOrigin(String job, String bundleName, String bundleVersion) implements Serializable {
    /** A plan that names no job or bundle. */
    public static final PlanOrigin UNKNOWN = new PlanOrigin("", "", "");

    public PlanOrigin {
        job = Objects.requireNonNullElse(job, "");
        bundleName = Objects.requireNonNullElse(bundleName, "");
        bundleVersion = Objects.requireNonNullElse(bundleVersion, "");
    }

    /** The origin a plan record carries. */
    public static PlanOrigin of(PlacementPlan plan) {
        return new PlanOrigin(plan.getJobName(), plan.getBundleName(), plan.getBundleVersion());
    }

    /** This origin with the job name replaced. */
    public PlanOrigin withJob(String name) {
        return new PlanOrigin(name, bundleName, bundleVersion);
    }

    /**
     * Why a plan from {@code plan} is not for this origin, or null when it is: every field that both
     * name must be equal.
     */
    public String mismatch(PlanOrigin plan) {
        if (!plan.job.isEmpty() && !job.isEmpty() && !plan.job.equals(job)) {
            return "it is for job '" + plan.job + "', not '" + job + "'";
        }
        if (!plan.bundleName.isEmpty() && !bundleName.isEmpty() && !plan.bundleName.equals(bundleName)) {
            return "it is for bundle '" + plan.bundleName + "', not '" + bundleName + "'";
        }
        if (!plan.bundleVersion.isEmpty() && !bundleVersion.isEmpty() && !plan.bundleVersion.equals(bundleVersion)) {
            return "it is for version " + plan.bundleVersion + " of bundle '" + bundleName + "', not version "
                    + bundleVersion;
        }
        return null;
    }

    @Override
    public String toString() {
        return "job '" + job + "', bundle '" + bundleName + "' version '" + bundleVersion + "'";
    }
}
