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
package io.polyroute.cli;

import io.polyroute.avro.RolloutKind;
import io.polyroute.avro.RolloutMode;
import io.polyroute.job.bundle.BundleCache;
import io.polyroute.job.rollout.ChecksumsDigest;
import io.polyroute.kafka.RolloutTopics;
import io.polyroute.runtime.bundle.ModelBundle;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code polyroute rollout start}: validate a bundle, then publish a START for it. */
@Command(
        name = "start",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Validate the whole bundle (manifest, checksums, every model's signature, the reference",
            "model), then publish a START command: every serving subtask loads it in the background",
            "and moves records to it at a checkpoint. A bad bundle exits 2 and is never published."
        })
final class RolloutStartCommand implements Callable<Integer> {
    @Option(
            names = "--bundle",
            required = true,
            paramLabel = "DIR|URI",
            description =
                    "The bundle folder (readable at the same path on every TaskManager) or a URI, as bundle.path.")
    String bundle;

    @Option(
            names = "--mode",
            defaultValue = "switch",
            paramLabel = "MODE",
            description = "switch, canary or shadow (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(
            names = "--share",
            defaultValue = "0.1",
            paramLabel = "P",
            description = "canary: share of records (by a hash of the event id) the new version serves (default:"
                    + " ${DEFAULT-VALUE}).")
    double share;

    @Option(
            names = "--wait",
            paramLabel = "SECONDS",
            defaultValue = "0",
            description = "Wait up to this long for every reporting subtask to make it ACTIVE or REFUSED, and"
                    + " exit 1 on a refusal (default: do not wait).")
    long waitSeconds;

    @Mixin
    RolloutTopicOptions topics;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        RolloutMode m = parseMode(mode);
        if (m == RolloutMode.CANARY && !(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("--share must be in (0, 1], but is " + share + ".");
        }
        String location = BundleCache.isUri(bundle)
                ? bundle
                : Path.of(bundle).toAbsolutePath().normalize().toString();
        // Everything the job would check, and the reference model too: a bad bundle never reaches the job.
        ModelBundle b = BundleCache.load(location);
        io.polyroute.avro.RolloutCommand c = io.polyroute.avro.RolloutCommand.newBuilder()
                .setJobName(topics.job)
                .setCommandId(UUID.randomUUID().toString())
                .setKind(RolloutKind.START)
                .setMode(m)
                .setShare(m == RolloutMode.CANARY ? share : 0)
                .setBundlePath(location)
                .setBundleName(b.name())
                .setBundleVersion(b.version())
                .setChecksumsDigest(ChecksumsDigest.of(b.manifest().checksums()))
                .setIssuedTime(Instant.now())
                .build();
        RolloutTopics.publish(
                topics.clientProperties(), topics.commandsTopic(), c, topics.encoding(), topics.timeout());
        out.printf(
                "published START %s of %s:%s (%s) to %s%n",
                c.getCommandId(), b.name(), b.version(), m.name().toLowerCase(Locale.ROOT), topics.commandsTopic());
        out.flush();
        return waitSeconds > 0
                ? RolloutStatusCommand.await(topics, c.getCommandId().toString(), waitSeconds, out)
                : 0;
    }

    static RolloutMode parseMode(String mode) {
        return switch (mode.toLowerCase(Locale.ROOT)) {
            case "switch" -> RolloutMode.SWITCH;
            case "canary" -> RolloutMode.CANARY;
            case "shadow" -> RolloutMode.SHADOW;
            default ->
                throw new IllegalArgumentException("--mode must be switch, canary or shadow, but is '" + mode + "'.");
        };
    }

    /** Publishes a PROMOTE or ROLLBACK for the job of {@code topics}; returns the command id. */
    static String publish(RolloutTopicOptions topics, RolloutKind kind, PrintWriter out) {
        io.polyroute.avro.RolloutCommand c = io.polyroute.avro.RolloutCommand.newBuilder()
                .setJobName(topics.job)
                .setCommandId(UUID.randomUUID().toString())
                .setKind(kind)
                .setMode(RolloutMode.SWITCH)
                .setShare(0)
                .setBundlePath("")
                .setBundleName("")
                .setBundleVersion("")
                .setChecksumsDigest("")
                .setIssuedTime(Instant.now())
                .build();
        RolloutTopics.publish(
                topics.clientProperties(), topics.commandsTopic(), c, topics.encoding(), topics.timeout());
        out.printf("published %s %s to %s%n", kind, c.getCommandId(), topics.commandsTopic());
        out.flush();
        return c.getCommandId().toString();
    }
}
