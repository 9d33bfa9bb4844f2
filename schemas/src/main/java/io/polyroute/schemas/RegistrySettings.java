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
package io.polyroute.schemas;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How to reach a schema registry with a Confluent-compatible REST API. Serializable, so a job can
 * hand it to the tasks that decode records.
 *
 * @param urls base URLs of the registry, tried in order until one answers
 * @param username basic-auth user, or null for no authentication
 * @param password basic-auth password, or null
 * @param trustStore trust store (PKCS12 or JKS file) for an HTTPS registry, or null for the JVM's
 *     default trust
 * @param trustStorePassword the trust store's password, or null
 * @param keyStore key store with a client certificate for mutual TLS, or null
 * @param keyStorePassword the key store's password, or null
 * @param timeout how long one request may take
 */
public record RegistrySettings(
        List<String> urls,
        String username,
        String password,
        String trustStore,
        String trustStorePassword,
        String keyStore,
        String keyStorePassword,
        Duration timeout)
        implements Serializable {

    /** Checks that there is at least one URL and copies the list. */
    public RegistrySettings {
        Objects.requireNonNull(urls, "urls must not be null");
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("A schema registry needs at least one URL.");
        }
        urls = List.copyOf(urls);
        Objects.requireNonNull(timeout, "timeout must not be null");
    }

    /** Settings for an unauthenticated registry at {@code url} with a 10 s timeout. */
    public static RegistrySettings of(String url) {
        return new RegistrySettings(List.of(url), null, null, null, null, null, null, Duration.ofSeconds(10));
    }

    /** Hides the passwords. */
    @Override
    public String toString() {
        return "RegistrySettings[urls=" + urls + ", username=" + username + ", trustStore=" + trustStore + ", keyStore="
                + keyStore + ", timeout=" + timeout + "]";
    }
}
