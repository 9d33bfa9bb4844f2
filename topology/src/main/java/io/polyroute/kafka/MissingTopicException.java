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

import io.polyroute.job.config.TopicsOptions;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Topics the job needs do not exist and the job is not allowed to create them. */
public final class MissingTopicException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final Set<String> topics;

    MissingTopicException(Set<String> missing, Map<String, String> keyByTopic) {
        super(message(missing, keyByTopic));
        this.topics = Set.copyOf(missing);
    }

    /** The names of the missing topics. */
    public Set<String> topics() {
        return topics;
    }

    private static String message(Set<String> missing, Map<String, String> keyByTopic) {
        String list = missing.stream()
                .map(t -> "'" + t + "' (" + keyByTopic.get(t) + ")")
                .collect(Collectors.joining(", "));
        String autoCreate = TopicsOptions.AUTO_CREATE.key();
        return (missing.size() == 1 ? "Topic " + list + " does not exist" : "Topics " + list + " do not exist")
                + " and '" + autoCreate + "' is false. Create " + (missing.size() == 1 ? "it" : "them")
                + ", point the option at an existing topic, or set " + autoCreate + "=true.";
    }
}
