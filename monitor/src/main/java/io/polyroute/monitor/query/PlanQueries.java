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
package io.polyroute.monitor.query;

import io.polyroute.avro.ExpertPlacement;
import io.polyroute.avro.PlacementPlan;
import io.polyroute.monitor.MonitorStores;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** Reads the plan history. */
final class PlanQueries {

    private final StoreAccess stores;

    PlanQueries(StoreAccess stores) {
        this.stores = stores;
    }

    /** Every kept plan, newest version first. */
    List<PlacementPlan> all() {
        ReadOnlyKeyValueStore<Long, PlacementPlan> store = stores.keyValueStore(MonitorStores.PLANS);
        List<PlacementPlan> plans = new ArrayList<>();
        try (KeyValueIterator<Long, PlacementPlan> it = store.all()) {
            it.forEachRemaining(kv -> plans.add(kv.value));
        }
        plans.sort(Comparator.comparingLong(PlacementPlan::getVersion).reversed());
        return plans;
    }

    /** The plan with the highest version, if any. */
    Optional<PlacementPlan> latest() {
        List<PlacementPlan> plans = all();
        return plans.isEmpty() ? Optional.empty() : Optional.of(plans.get(0));
    }

    /** Markers for the plans created in [fromMs, toMs), oldest first. */
    List<Views.PlanMarker> markers(long fromMs, long toMs) {
        List<Views.PlanMarker> markers = new ArrayList<>();
        for (PlacementPlan plan : all()) {
            long created = plan.getCreatedTime().toEpochMilli();
            if (created >= fromMs && created < toMs) {
                markers.add(new Views.PlanMarker(plan.getVersion(), created, plan.getReason()));
            }
        }
        markers.sort(Comparator.comparingLong(Views.PlanMarker::time));
        return markers;
    }

    /** A plan as the API shows it. */
    static Views.Plan view(PlacementPlan plan) {
        List<Views.Replica> replicas = new ArrayList<>();
        for (ExpertPlacement p : plan.getReplicas()) {
            replicas.add(new Views.Replica(
                    p.getStage(), p.getExpert(), List.copyOf(p.getSlots()), List.copyOf(p.getShares())));
        }
        return new Views.Plan(
                plan.getVersion(),
                plan.getCreatedTime().toEpochMilli(),
                plan.getReason(),
                plan.getPinned(),
                plan.getSlots(),
                Views.finite(plan.getPredictedImbalance()),
                plan.getSessionsMoved(),
                replicas);
    }
}
