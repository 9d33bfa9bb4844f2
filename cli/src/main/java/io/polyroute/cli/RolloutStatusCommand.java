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

import io.polyroute.avro.RolloutCommand;
import io.polyroute.avro.RolloutPhase;
import io.polyroute.avro.RolloutStatus;
import io.polyroute.kafka.RolloutTopics;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code polyroute rollout status}: the latest command and where it stands on every subtask. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = {
            "Show the latest rollout command of the job and, per serving subtask, its latest state",
            "(PENDING, LOADING, ACTIVE, REFUSED, ROLLED_BACK) with the serving version and the reason.",
            "Exits 1 when a subtask refused the latest command."
        })
final class RolloutStatusCommand implements Callable<Integer> {
    @Mixin
    RolloutTopicOptions topics;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<RolloutCommand> commands = RolloutTopics.readCommands(
                topics.clientProperties(), topics.commandsTopic(), topics.job, topics.encoding(), topics.timeout());
        if (commands.isEmpty()) {
            out.printf("no rollout command for job %s on %s%n", topics.job, topics.commandsTopic());
            out.flush();
            return 0;
        }
        RolloutCommand last = commands.get(commands.size() - 1);
        out.printf(
                "latest command %s: %s %s %s:%s issued %s%n",
                last.getCommandId(),
                last.getKind(),
                last.getMode(),
                last.getBundleName(),
                last.getBundleVersion(),
                last.getIssuedTime());
        Map<Integer, RolloutStatus> bySubtask =
                latest(topics, last.getCommandId().toString());
        print(out, bySubtask);
        out.flush();
        return refused(bySubtask) ? 1 : 0;
    }

    static Map<Integer, RolloutStatus> latest(RolloutTopicOptions topics, String commandId) {
        Map<Integer, RolloutStatus> bySubtask = new TreeMap<>();
        for (RolloutStatus s : RolloutTopics.readStatuses(
                topics.clientProperties(), topics.statusTopic(), topics.job, topics.encoding(), topics.timeout())) {
            if (s.getCommandId().toString().equals(commandId)) {
                bySubtask.merge(s.getSubtask(), s, (a, b) -> b.getTime().isBefore(a.getTime()) ? a : b);
            }
        }
        return bySubtask;
    }

    static void print(PrintWriter out, Map<Integer, RolloutStatus> bySubtask) {
        if (bySubtask.isEmpty()) {
            out.println("  no subtask has reported on it yet");
        }
        bySubtask.forEach((subtask, s) -> out.printf(
                "  subtask %d: %s %s (serving %s)%s%n",
                subtask,
                s.getState(),
                s.getVersion(),
                s.getServing(),
                s.getReason().length() == 0 ? "" : " " + s.getReason()));
    }

    static boolean refused(Map<Integer, RolloutStatus> bySubtask) {
        return bySubtask.values().stream().anyMatch(s -> s.getState() == RolloutPhase.REFUSED);
    }

    /** Polls until every reporting subtask has answered {@code commandId} for good, or the time is up. */
    static int await(RolloutTopicOptions topics, String commandId, long seconds, PrintWriter out)
            throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        Map<Integer, RolloutStatus> bySubtask = Map.of();
        while (System.nanoTime() < deadline) {
            bySubtask = latest(topics, commandId);
            boolean settled = !bySubtask.isEmpty()
                    && bySubtask.values().stream()
                            .allMatch(
                                    s -> s.getState() != RolloutPhase.PENDING && s.getState() != RolloutPhase.LOADING);
            if (settled) {
                break;
            }
            Thread.sleep(500);
        }
        print(out, bySubtask);
        out.flush();
        return refused(bySubtask) ? 1 : 0;
    }
}
