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
package io.polyroute.job.io;

import io.polyroute.job.config.ConfigException;
import io.polyroute.job.config.JobConfig;
import io.polyroute.job.config.RegistryOptions;
import io.polyroute.schemas.RegistrySettings;
import io.polyroute.schemas.SchemaRegistryClient;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Where the schema registry is and where its secrets are ({@code registry.*}), without the secrets:
 * they are read from their files or environment variable each time a client is made, on the client
 * at start and on every TaskManager that needs the registry, so none travels in the job graph.
 *
 * @param urls the registry's base URLs
 * @param credentialsFile file with {@code user:password}, or null
 * @param credentialsEnv environment variable with {@code user:password}, or null
 * @param trustStore trust store path, or null
 * @param trustStorePasswordFile file with the trust store's password, or null
 * @param keyStore key store path, or null
 * @param keyStorePasswordFile file with the key store's password, or null
 * @param timeout how long one request may take
 */
public record RegistryConnection(
        List<String> urls,
        String credentialsFile,
        String credentialsEnv,
        String trustStore,
        String trustStorePasswordFile,
        String keyStore,
        String keyStorePasswordFile,
        Duration timeout)
        implements Serializable {

    /** Copies the URL list. */
    public RegistryConnection {
        urls = List.copyOf(urls);
    }

    /**
     * The connection {@code registry.*} describes.
     *
     * @throws ConfigException naming {@code registry.url} when it is not set
     */
    public static RegistryConnection of(JobConfig config) {
        String url = config.require(RegistryOptions.URL);
        List<String> urls = Arrays.stream(url.split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
        return new RegistryConnection(
                urls,
                config.getOptional(RegistryOptions.CREDENTIALS_FILE).orElse(null),
                config.getOptional(RegistryOptions.CREDENTIALS_ENV).orElse(null),
                config.getOptional(RegistryOptions.TRUSTSTORE).orElse(null),
                config.getOptional(RegistryOptions.TRUSTSTORE_PASSWORD_FILE).orElse(null),
                config.getOptional(RegistryOptions.KEYSTORE).orElse(null),
                config.getOptional(RegistryOptions.KEYSTORE_PASSWORD_FILE).orElse(null),
                config.get(RegistryOptions.TIMEOUT));
    }

    /**
     * The client settings with the secrets read from the process environment and the files.
     *
     * @throws ConfigException naming the {@code registry.*} key whose file or variable cannot be read
     */
    public RegistrySettings settings() {
        return settings(System::getenv);
    }

    /** Like {@link #settings()}, reading environment variables through {@code env}. */
    RegistrySettings settings(UnaryOperator<String> env) {
        String user = null;
        String password = null;
        String credentials = null;
        if (credentialsFile != null) {
            credentials = firstLine(RegistryOptions.CREDENTIALS_FILE.key(), credentialsFile);
        } else if (credentialsEnv != null) {
            credentials = env.apply(credentialsEnv);
            if (credentials == null || credentials.isBlank()) {
                throw new ConfigException(
                        RegistryOptions.CREDENTIALS_ENV.key(),
                        "The environment variable " + credentialsEnv + " named by '"
                                + RegistryOptions.CREDENTIALS_ENV.key() + "' is not set in this process.");
            }
            credentials = credentials.strip();
        }
        if (credentials != null) {
            int colon = credentials.indexOf(':');
            String key = credentialsFile != null
                    ? RegistryOptions.CREDENTIALS_FILE.key()
                    : RegistryOptions.CREDENTIALS_ENV.key();
            if (colon < 1) {
                throw new ConfigException(
                        key, "The registry credentials named by '" + key + "' must have the form user:password.");
            }
            user = credentials.substring(0, colon);
            password = credentials.substring(colon + 1);
        }
        return new RegistrySettings(
                urls,
                user,
                password,
                readable(RegistryOptions.TRUSTSTORE.key(), trustStore),
                trustStorePasswordFile == null
                        ? null
                        : firstLine(RegistryOptions.TRUSTSTORE_PASSWORD_FILE.key(), trustStorePasswordFile),
                readable(RegistryOptions.KEYSTORE.key(), keyStore),
                keyStorePasswordFile == null
                        ? null
                        : firstLine(RegistryOptions.KEYSTORE_PASSWORD_FILE.key(), keyStorePasswordFile),
                timeout);
    }

    /** A client for this registry; see {@link #settings()}. */
    public SchemaRegistryClient client() {
        return new SchemaRegistryClient(settings());
    }

    private static String readable(String key, String file) {
        if (file != null && !Files.isReadable(Path.of(file))) {
            throw new ConfigException(key, "The file '" + file + "' named by '" + key + "' cannot be read.");
        }
        return file;
    }

    private static String firstLine(String key, String file) {
        try {
            List<String> lines = Files.readAllLines(Path.of(readable(key, file)), StandardCharsets.UTF_8);
            if (lines.isEmpty() || lines.get(0).isBlank()) {
                throw new ConfigException(key, "The file '" + file + "' named by '" + key + "' is empty.");
            }
            return lines.get(0).strip();
        } catch (IOException e) {
            throw new ConfigException(
                    key, "The file '" + file + "' named by '" + key + "' cannot be read: " + e.getMessage());
        }
    }

    /** Names the files and variable, never their contents. */
    @Override
    public String toString() {
        return "RegistryConnection" + Map.of("urls", urls, "timeout", timeout);
    }
}
