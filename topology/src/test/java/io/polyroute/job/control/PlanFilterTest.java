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

import static org.assertj.core.api.Assertions.assertThat;

import io.polyroute.avro.PlacementPlan;
import io.polyroute.runtime.placement.Placement;
import io.polyroute.runtime.placement.PlanVersion;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;

/** {@link PlanFilter}: the one check of which plans a job follows; it refuses, it never throws. */
class PlanFilterTest {
    private static final PlanOrigin SELF = new PlanOrigin("line-1", "factory-moe", "3");
    private static final PlanFilter FILTER = new PlanFilter(SELF, List.of(8, 4), 4);

    private static PlanVersion plan(long version, int slots, int... experts) {
        PlanVersion.Builder b =
                PlanVersion.builder().version(version).timestampMillis(1_000).reason("test");
        for (int e : experts) {
            b.stage(Placement.roundRobin(e, slots));
        }
        return b.build();
    }

    @Test
    void shouldAcceptAPlanForThisJobAndBundle() {
        PlanFilter.Verdict v = FILTER.check(PlanCodec.encode(plan(3, 4, 8, 4), SELF));

        assertThat(v.accepted()).isTrue();
        assertThat(v.plan().version()).isEqualTo(3);
    }

    @Test
    void shouldRefuseGarbageWithoutThrowing() {
        for (byte[] garbage :
                List.of(new byte[0], "hello".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xFF, 1, 2, 3})) {
            PlanFilter.Verdict v = FILTER.check(garbage);
            assertThat(v.accepted()).isFalse();
            assertThat(v.refusal()).contains("not a PlacementPlan");
        }
        assertThat(FILTER.check(null).accepted()).isFalse();
    }

    @Test
    void shouldRefuseAPlanForAnotherJobBundleOrVersion() {
        PlanVersion fits = plan(3, 4, 8, 4);

        assertThat(FILTER.check(PlanCodec.encode(fits, SELF.withJob("line-2"))).refusal())
                .contains("job 'line-2'");
        assertThat(FILTER.check(PlanCodec.encode(fits, new PlanOrigin("line-1", "other", "3")))
                        .refusal())
                .contains("bundle 'other'");
        assertThat(FILTER.check(PlanCodec.encode(fits, new PlanOrigin("line-1", "factory-moe", "2")))
                        .refusal())
                .contains("version 2");
    }

    @Test
    void shouldRefuseAPlanOfAnotherStageExpertOrSlotCount() {
        assertThat(FILTER.check(PlanCodec.encode(plan(3, 4, 8), SELF)).refusal())
                .contains("1 stages, but the bundle has 2");
        assertThat(FILTER.check(PlanCodec.encode(plan(3, 4, 8, 5), SELF)).refusal())
                .contains("5 experts in stage 1, but the bundle has 4");
        assertThat(FILTER.check(PlanCodec.encode(plan(3, 6, 8, 4), SELF)).refusal())
                .contains("6 slots, but the job has job.slots = 4");
    }

    @Test
    void shouldAcceptAPlanThatNamesNoJobWhenItFits() {
        assertThat(FILTER.check(PlanCodec.encode(plan(3, 4, 8, 4))).accepted()).isTrue();
    }

    @Test
    void shouldDecodePlansWrittenBeforeTheOriginFields() throws Exception {
        PlacementPlan current = PlanCodec.toAvro(plan(5, 4, 8, 4), SELF);
        Schema old = withoutOriginFields(PlacementPlan.getClassSchema());
        GenericRecord asOld = new GenericData.Record(old);
        GenericRecord full = (GenericRecord) SpecificData.get().deepCopy(current.getSchema(), current);
        for (Schema.Field f : old.getFields()) {
            asOld.put(f.name(), toGeneric(full.get(f.name())));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(old, GenericData.get()).write(asOld, enc);
        enc.flush();

        PlacementPlan decoded = PlanCodec.decodeAvro(out.toByteArray());

        assertThat(PlanOrigin.of(decoded)).isEqualTo(PlanOrigin.UNKNOWN);
        assertThat(decoded.getVersion()).isEqualTo(5);
        assertThat(FILTER.check(out.toByteArray()).accepted()).isTrue();
    }

    @Test
    void shouldDropARestoredPlanOfAnotherShapeAndRefuseOneOffered() {
        PlanTracker tracker = new PlanTracker(List.of(8, 4), 4);

        tracker.restore(plan(9, 4, 8, 5));
        boolean offered = tracker.offer(plan(10, 2, 8, 4), 0, d -> {});

        assertThat(offered).isFalse();
        assertThat(tracker.current().version()).isZero();
        assertThat(tracker.offer(plan(11, 4, 8, 4), 0, d -> {})).isTrue();
        assertThat(tracker.current().version()).isEqualTo(11);
    }

    @Test
    void shouldPassAPlanOfAnotherVersionWithAnotherExpertCountWhenTheJobServesVersions() {
        PlanFilter versions = new PlanFilter(SELF, List.of(8, 4), 4, true);
        PlanOrigin v4 = new PlanOrigin("line-1", "factory-moe", "4");

        PlanFilter.Verdict other = versions.check(PlanCodec.encode(plan(2, 4, 6, 3), v4));
        PlanFilter.Verdict own = versions.check(PlanCodec.encode(plan(3, 4, 8, 4), SELF));

        assertThat(other.accepted()).isTrue();
        assertThat(other.version()).isEqualTo("factory-moe:4");
        assertThat(other.plan().stage(0).experts()).isEqualTo(6);
        assertThat(own.accepted()).isTrue();
        assertThat(own.version()).isNull();
        assertThat(versions.check(PlanCodec.encode(plan(3, 4, 6, 4), SELF)).refusal())
                .as("the job's own version keeps its expert counts")
                .contains("6 experts in stage 0, but the bundle has 8");
        assertThat(FILTER.check(PlanCodec.encode(plan(2, 4, 6, 3), v4)).refusal())
                .as("a job without rollouts refuses other versions")
                .contains("version 4");
    }

    @Test
    void shouldRefuseAPlanOfAnotherVersionForAnotherJobOrStageOrSlotCount() {
        PlanFilter versions = new PlanFilter(SELF, List.of(8, 4), 4, true);

        assertThat(versions.check(PlanCodec.encode(plan(2, 4, 6, 3), new PlanOrigin("line-2", "factory-moe", "4")))
                        .refusal())
                .contains("job 'line-2'");
        assertThat(versions.check(PlanCodec.encode(plan(2, 4, 6), new PlanOrigin("line-1", "factory-moe", "4")))
                        .refusal())
                .contains("1 stages, but the bundle has 2");
        assertThat(versions.check(PlanCodec.encode(plan(2, 3, 6, 3), new PlanOrigin("line-1", "factory-moe", "4")))
                        .refusal())
                .contains("3 slots, but the job has job.slots = 4");
    }

    @Test
    void shouldFollowTheNewestPlanOfEachVersionThatFitsItsExpertCountInGate() {
        PlanOrigin own = new PlanOrigin("", "factory-moe", "3");
        VersionPlans plans = new VersionPlans(own, 1, 4, null);
        PlanOrigin v4 = new PlanOrigin("line-1", "factory-moe", "4");
        PlanOrigin v5 = new PlanOrigin("line-1", "factory-moe", "5");

        assertThat(plans.offer(PlanCodec.encode(plan(3, 4, 8, 4), SELF)))
                .as("the own bundle's plan")
                .isFalse();
        assertThat(plans.placement("factory-moe:4", 3)).isEqualTo(Placement.roundRobin(3, 4));
        assertThat(plans.offer(PlanCodec.encode(plan(2, 4, 6, 3), v4))).isTrue();
        Placement v4Plan = plans.placement("factory-moe:4", 3);
        assertThat(plans.version("factory-moe:4")).isEqualTo(2);
        assertThat(plans.offer(PlanCodec.encode(plan(3, 4, 6, 5), v4))).isTrue();
        assertThat(plans.version("factory-moe:4"))
                .as("5 experts in a version of 3 in stage 1")
                .isEqualTo(2);
        assertThat(plans.offer(PlanCodec.encode(plan(1, 4, 6, 3), v4))).isTrue();
        assertThat(plans.version("factory-moe:4")).as("an older plan").isEqualTo(2);
        assertThat(plans.placement("factory-moe:4", 3)).isEqualTo(v4Plan);
        // A plan read before its version routed a record is checked when it does.
        assertThat(plans.offer(PlanCodec.encode(plan(4, 4, 6, 7), v5))).isTrue();
        assertThat(plans.placement("factory-moe:5", 2)).isEqualTo(Placement.roundRobin(2, 4));
        assertThat(plans.version("factory-moe:5")).isZero();
        assertThat(plans.planned()).containsExactly("factory-moe:4");
    }

    private static Object toGeneric(Object v) {
        if (v instanceof java.time.Instant i) {
            return i.toEpochMilli();
        }
        return v;
    }

    private static Schema withoutOriginFields(Schema s) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : s.getFields()) {
            if (!f.name().endsWith("_name") && !f.name().equals("bundle_version")) {
                fields.add(new Schema.Field(f, f.schema()));
            }
        }
        return Schema.createRecord(s.getName(), s.getDoc(), s.getNamespace(), false, fields);
    }
}
