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

import io.polyroute.avro.DeadLetter;
import io.polyroute.avro.DeadLetterReason;
import io.polyroute.job.config.JobConfig;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code polyroute dlq tail}: print the dead letters, one line each. */
@Command(
        name = "tail",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Print the committed dead letters (read_committed) of topics.dlq, decoded, one line each: time, reason,"
                    + " source topic-partition@offset, event id and message. Reads up to the end the topic has at"
                    + " start, then exits."
        })
final class DlqTailCommand implements Callable<Integer> {
    @Option(
            names = "--reason",
            split = ",",
            paramLabel = "REASON",
            description = "Only these reasons, e.g. --reason UNDECODABLE,WRONG_DIMENSION (default: all).")
    Set<DeadLetterReason> reasons;

    @Option(
            names = "--since",
            paramLabel = "TIME",
            description = "Only dead letters written since TIME: an instant (2026-05-01T10:00:00Z) or a time back "
                    + "from now (15m, 2h, 1d) (default: the whole topic).")
    String since;

    @Option(names = "--limit", paramLabel = "N", description = "Print at most the last N (default: all).")
    Integer limit;

    @Mixin
    DlqOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        JobConfig job = options.job();
        PrintWriter out = spec.commandLine().getOut();
        java.util.ArrayDeque<String> lines = new java.util.ArrayDeque<>();
        DeadLetterReader reader = new DeadLetterReader(
                DlqOptions.clientProperties(job),
                DlqOptions.dlqTopic(job),
                DlqOptions.deadLetters(job),
                options.timeout());
        reader.read(
                DlqOptions.since(since, Instant.now()),
                d -> {
                    if (reasons == null || reasons.contains(d.getReason())) {
                        lines.addLast(line(d));
                        if (limit != null && lines.size() > limit) {
                            lines.removeFirst();
                        }
                    }
                },
                bad -> spec.commandLine().getErr().println("polyroute dlq: undecodable record " + bad));
        lines.forEach(out::println);
        out.flush();
        return 0;
    }

    static String line(DeadLetter d) {
        return String.format(
                "%s %-15s %s-%d@%d event_id=%s %s",
                d.getTime(),
                d.getReason(),
                d.getTopic(),
                d.getPartition(),
                d.getOffset(),
                d.getEventId() == null ? "-" : d.getEventId(),
                d.getMessage());
    }
}
