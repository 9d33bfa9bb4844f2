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

import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;

/**
 * How to reach the schema registry that topics in the {@code confluent} encoding
 * ({@code topics.encoding}) need. Secrets are never option values: the basic-auth credentials come
 * from a file or an environment variable, the store passwords from files, so nothing secret appears
 * in a job file, on a command line or in the job graph.
 */
public final class RegistryOptions {

    public static final ConfigOption<String> URL = ConfigOptions.key("registry.url")
            .stringType()
            .noDefaultValue()
            .withDescription("Base URL of a schema registry with a Confluent-compatible REST API, or several "
                    + "separated by commas, tried in order (e.g. https://registry:8081 or Apicurio Registry's "
                    + "https://registry:8080/apis/ccompat/v7). Required when any topic's encoding is confluent.");

    public static final ConfigOption<String> CREDENTIALS_FILE = ConfigOptions.key("registry.credentials-file")
            .stringType()
            .noDefaultValue()
            .withDescription("File holding the registry's basic-auth credentials as user:password on its first "
                    + "line (e.g. a mounted Kubernetes secret). Read on the client and on every TaskManager.");

    public static final ConfigOption<String> CREDENTIALS_ENV = ConfigOptions.key("registry.credentials-env")
            .stringType()
            .noDefaultValue()
            .withDescription("Name of an environment variable holding the registry's basic-auth credentials as "
                    + "user:password. Set on the client and on every TaskManager. Not with "
                    + "registry.credentials-file.");

    public static final ConfigOption<String> TRUSTSTORE = ConfigOptions.key("registry.truststore")
            .stringType()
            .noDefaultValue()
            .withDescription("Trust store (PKCS12 or JKS) with the CA of an HTTPS registry. Unset, the JVM's "
                    + "default trust applies.");

    public static final ConfigOption<String> TRUSTSTORE_PASSWORD_FILE = ConfigOptions.key(
                    "registry.truststore-password-file")
            .stringType()
            .noDefaultValue()
            .withDescription("File holding the trust store's password on its first line.");

    public static final ConfigOption<String> KEYSTORE = ConfigOptions.key("registry.keystore")
            .stringType()
            .noDefaultValue()
            .withDescription("Key store (PKCS12 or JKS) with a client certificate, for a registry that "
                    + "requires mutual TLS.");

    public static final ConfigOption<String> KEYSTORE_PASSWORD_FILE = ConfigOptions.key(
                    "registry.keystore-password-file")
            .stringType()
            .noDefaultValue()
            .withDescription("File holding the key store's password on its first line.");

    public static final ConfigOption<Duration> TIMEOUT = ConfigOptions.key("registry.timeout")
            .durationType()
            .defaultValue(Duration.ofSeconds(10))
            .withDescription("How long one request to the registry may take.");

    public static final ConfigOption<Boolean> AUTO_REGISTER = ConfigOptions.key("registry.auto-register")
            .booleanType()
            .defaultValue(false)
            .withDescription("Register the job's schemas for the topics it writes (subject <topic>-value) at "
                    + "start, after checking their compatibility with the subject. When false, each subject "
                    + "must already hold the schema and the start fails naming the subject otherwise.");

    private RegistryOptions() {}

    /** The options and checks of this component. */
    public static OptionGroup group() {
        return new OptionGroup(
                "registry",
                List.of(
                        URL,
                        CREDENTIALS_FILE,
                        CREDENTIALS_ENV,
                        TRUSTSTORE,
                        TRUSTSTORE_PASSWORD_FILE,
                        KEYSTORE,
                        KEYSTORE_PASSWORD_FILE,
                        TIMEOUT,
                        AUTO_REGISTER),
                List.of(
                        RegistryOptions::requireUrlWhenUsed,
                        RegistryOptions::oneCredentialSource,
                        OptionCheck.positive(TIMEOUT)));
    }

    private static void requireUrlWhenUsed(ReadableConfig config) {
        if (TopicsOptions.usesRegistry(config)
                && config.getOptional(URL).map(String::isBlank).orElse(true)) {
            throw new ConfigException(
                    URL.key(),
                    "A topic's encoding is confluent (topics.encoding*), so '" + URL.key() + "' must name the schema"
                            + " registry, e.g. --set " + URL.key() + "=https://registry:8081.");
        }
    }

    private static void oneCredentialSource(ReadableConfig config) {
        if (config.getOptional(CREDENTIALS_FILE).isPresent()
                && config.getOptional(CREDENTIALS_ENV).isPresent()) {
            throw new ConfigException(
                    CREDENTIALS_ENV.key(),
                    "Set one of '" + CREDENTIALS_FILE.key() + "' and '" + CREDENTIALS_ENV.key() + "', not both.");
        }
    }
}
