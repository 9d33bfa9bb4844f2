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
package io.polyroute.kafka;

import io.polyroute.job.config.JobConfig;
import io.polyroute.job.config.RolloutOptions;
import io.polyroute.job.config.TopicsOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.configuration.ConfigOption;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Checks and creates the job's topics through an {@link Admin} client before the job starts, so
 * that a missing topic is a clear error at start rather than a stalled source later.
 */
public final class Topics {

    private Topics() {}

    /**
     * Makes sure every topic named by {@link TopicsOptions#topicOptions()} exists: creates the
     * missing ones when {@link TopicsOptions#AUTO_CREATE} is on (the plans topic with one
     * partition), and otherwise fails naming each missing topic and its key.
     *
     * @return the topics this call created
     * @throws MissingTopicException if a topic is missing and automatic creation is off
     */
    public static Set<String> ensure(Admin admin, JobConfig config, Duration timeout) {
        return ensure(admin, config, TopicsOptions.topicOptions(), timeout);
    }

    /**
     * Like {@link #ensure(Admin, JobConfig, Duration)}, for the topics named by {@code topicOptions}
     * only, e.g. the topics a reader of the job's output needs.
     *
     * @return the topics this call created
     * @throws MissingTopicException if a topic is missing and automatic creation is off
     */
    public static Set<String> ensure(
            Admin admin, JobConfig config, Collection<ConfigOption<String>> topicOptions, Duration timeout) {
        Map<String, String> keyByTopic = new LinkedHashMap<>();
        for (ConfigOption<String> option : topicOptions) {
            keyByTopic.put(TopicsOptions.topic(config, option), option.key());
        }
        if (!config.get(TopicsOptions.AUTO_CREATE)) {
            Set<String> missing = missing(admin, keyByTopic.keySet(), timeout);
            if (!missing.isEmpty()) {
                throw new MissingTopicException(missing, keyByTopic);
            }
            return Set.of();
        }
        int partitions = config.get(TopicsOptions.PARTITIONS);
        short replication = config.get(TopicsOptions.REPLICATION_FACTOR).shortValue();
        List<NewTopic> wanted = new ArrayList<>();
        keyByTopic.forEach((topic, key) ->
                wanted.add(new NewTopic(topic, key.equals(TopicsOptions.PLANS.key()) ? 1 : partitions, replication)));
        return createIfMissing(admin, wanted, timeout);
    }

    /**
     * With {@code rollout.enabled}, makes sure the rollouts topic (one partition), the status topic
     * and the shadow topic exist, as {@link #ensure(Admin, JobConfig, Duration)} does for the others;
     * does nothing otherwise.
     *
     * @return the topics this call created
     * @throws MissingTopicException if a topic is missing and automatic creation is off
     */
    public static Set<String> ensureRolloutTopics(Admin admin, JobConfig config, Duration timeout) {
        if (!config.get(RolloutOptions.ENABLED)) {
            return Set.of();
        }
        Map<String, String> keyByTopic = new LinkedHashMap<>();
        keyByTopic.put(RolloutOptions.topic(config), RolloutOptions.TOPIC.key());
        keyByTopic.put(RolloutOptions.statusTopic(config), RolloutOptions.STATUS_TOPIC.key());
        keyByTopic.put(RolloutOptions.shadowTopic(config), RolloutOptions.SHADOW_TOPIC.key());
        if (!config.get(TopicsOptions.AUTO_CREATE)) {
            Set<String> missing = missing(admin, keyByTopic.keySet(), timeout);
            if (!missing.isEmpty()) {
                throw new MissingTopicException(missing, keyByTopic);
            }
            return Set.of();
        }
        short replication = config.get(TopicsOptions.REPLICATION_FACTOR).shortValue();
        int partitions = config.get(TopicsOptions.PARTITIONS);
        List<NewTopic> wanted = new ArrayList<>();
        keyByTopic.forEach((topic, key) ->
                wanted.add(new NewTopic(topic, key.equals(RolloutOptions.TOPIC.key()) ? 1 : partitions, replication)));
        return createIfMissing(admin, wanted, timeout);
    }

    /** The topics among {@code names} that do not exist, in the given order. */
    public static Set<String> missing(Admin admin, Collection<String> names, Duration timeout) {
        Set<String> existing = await(admin.listTopics().names(), timeout, "list topics");
        Set<String> missing = new LinkedHashSet<>(names);
        missing.removeAll(existing);
        return missing;
    }

    /**
     * Creates the topics that do not exist yet. A topic that another client creates at the same
     * time counts as existing.
     *
     * @return the names of the topics this call created
     */
    public static Set<String> createIfMissing(Admin admin, Collection<NewTopic> topics, Duration timeout) {
        List<String> names = topics.stream().map(NewTopic::name).toList();
        Set<String> missing = missing(admin, names, timeout);
        List<NewTopic> toCreate =
                topics.stream().filter(t -> missing.contains(t.name())).toList();
        if (toCreate.isEmpty()) {
            return Set.of();
        }
        CreateTopicsResult result = admin.createTopics(toCreate);
        Set<String> created = new LinkedHashSet<>();
        for (Map.Entry<String, KafkaFuture<Void>> entry : result.values().entrySet()) {
            try {
                await(entry.getValue(), timeout, "create topic '" + entry.getKey() + "'");
                created.add(entry.getKey());
            } catch (IllegalStateException e) {
                if (!(e.getCause() instanceof ExecutionException ee && ee.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
        awaitListed(admin, created, timeout);
        return created;
    }

    /**
     * Waits until the broker lists every topic in {@code names}. The controller confirms a new
     * topic before the broker's metadata cache has it, so a {@code listTopics} right after
     * {@code createTopics} can still miss it.
     *
     * @throws IllegalStateException if a topic is still not listed when the timeout runs out
     */
    public static void awaitListed(Admin admin, Collection<String> names, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Set<String> missing = missing(admin, names, timeout);
        while (!missing.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The broker did not list the new topics " + missing + " within "
                        + timeout.toMillis() + " ms of creating them.");
            }
            missing = missing(admin, missing, timeout);
        }
    }

    private static <T> T await(KafkaFuture<T> future, Duration timeout, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "Could not " + what + " within " + timeout.toMillis() + " ms: " + Errors.rootMessage(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while trying to " + what + ".", e);
        }
    }
}
