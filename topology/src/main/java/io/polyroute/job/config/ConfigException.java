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
package io.polyroute.job.config;

/**
 * A job configuration that cannot be used: an unknown key, a value of the wrong type or out of
 * range, or an unreadable job file. The message is a sentence that names the key and says what
 * to change.
 */
public class ConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String key;

    /** A problem with the value of {@code key}; {@code key} may be null for file-level problems. */
    public ConfigException(String key, String message) {
        super(message);
        this.key = key;
    }

    /** A problem with the value of {@code key} caused by {@code cause}. */
    public ConfigException(String key, String message, Throwable cause) {
        super(message, cause);
        this.key = key;
    }

    /** The offending configuration key, or null when the problem is not about one key. */
    public String key() {
        return key;
    }
}
