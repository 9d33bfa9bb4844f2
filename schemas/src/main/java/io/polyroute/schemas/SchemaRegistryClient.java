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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.avro.Schema;

/**
 * A small client of the Confluent-compatible schema registry REST API (served by Confluent Schema
 * Registry, Apicurio Registry's {@code /apis/ccompat/v7}, Karapace and others), over
 * {@code java.net.http}. It knows the four calls a job needs: a schema by id, the id of a schema
 * under a subject, registering a schema, and checking a schema's compatibility with a subject.
 * Schemas by id and ids by (subject, schema) are cached for the life of the client; failures are
 * not. Safe to share between threads.
 *
 * <pre>{@code
 * SchemaRegistryClient registry = new SchemaRegistryClient(RegistrySettings.of("http://registry:8081"));
 * if (!registry.isCompatible("predictions-value", Prediction.getClassSchema())) { ... }
 * int id = registry.register("predictions-value", Prediction.getClassSchema());
 * }</pre>
 */
public final class SchemaRegistryClient implements ConfluentCodec.SchemaLookup {
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistrySettings settings;
    private final HttpClient http;
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<String, Integer> idsBySubjectAndSchema = new ConcurrentHashMap<>();

    /**
     * Creates a client; no request is made until a method needs one.
     *
     * @throws SchemaRegistryException if a trust store or key store cannot be read
     */
    public SchemaRegistryClient(RegistrySettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings must not be null");
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(settings.timeout());
        if (settings.trustStore() != null || settings.keyStore() != null) {
            builder.sslContext(sslContext(settings));
        }
        this.http = builder.build();
    }

    /** The subject of a topic's record values under the default naming strategy: {@code <topic>-value}. */
    public static String valueSubject(String topic) {
        return topic + "-value";
    }

    /**
     * Returns the schema registered under {@code id}.
     *
     * @throws SchemaRegistryException if the registry does not know the id or cannot be reached
     */
    @Override
    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send("GET", "/schemas/ids/" + id, null, "the schema with id " + id);
        Schema schema = parse(answer, "the schema with id " + id);
        schemasById.put(id, schema);
        return schema;
    }

    /**
     * Registers {@code schema} under {@code subject} (a no-op returning the existing id when the
     * subject already holds it) and returns its id.
     *
     * @throws SchemaRegistryException if the registry refuses it, e.g. as incompatible (HTTP 409)
     */
    public int register(String subject, Schema schema) {
        return idsBySubjectAndSchema.computeIfAbsent(key(subject, schema), k -> {
            JsonNode answer = send(
                    "POST",
                    "/subjects/" + encode(subject) + "/versions",
                    body(schema),
                    "registering the " + schema.getFullName() + " schema under subject '" + subject + "'");
            return answer.path("id").asInt();
        });
    }

    /**
     * Returns the id under which {@code subject} holds exactly {@code schema}.
     *
     * @throws SchemaRegistryException if the subject does not hold it (HTTP 404) or the registry
     *     cannot be reached
     */
    public int idOf(String subject, Schema schema) {
        Integer cached = idsBySubjectAndSchema.get(key(subject, schema));
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send(
                "POST",
                "/subjects/" + encode(subject),
                body(schema),
                "looking up the " + schema.getFullName() + " schema under subject '" + subject + "'");
        int id = answer.path("id").asInt();
        idsBySubjectAndSchema.put(key(subject, schema), id);
        return id;
    }

    /**
     * Returns the latest schema registered under {@code subject}, or empty when the subject has no
     * version.
     *
     * @throws SchemaRegistryException if the registry cannot be reached or answers with an error
     */
    public Optional<Schema> latestSchema(String subject) {
        String what = "the latest schema of subject '" + subject + "'";
        try {
            return Optional.of(
                    parse(send("GET", "/subjects/" + encode(subject) + "/versions/latest", null, what), what));
        } catch (SchemaRegistryException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * Whether {@code schema} may be registered under {@code subject} by the subject's compatibility
     * rule, checked against its latest version. A subject with no versions accepts any schema.
     *
     * @throws SchemaRegistryException if the registry cannot be reached or answers with an error
     */
    public boolean isCompatible(String subject, Schema schema) {
        try {
            JsonNode answer = send(
                    "POST",
                    "/compatibility/subjects/" + encode(subject) + "/versions/latest",
                    body(schema),
                    "checking the compatibility of " + schema.getFullName() + " with subject '" + subject + "'");
            return answer.path("is_compatible").asBoolean(false);
        } catch (SchemaRegistryException e) {
            if (e.status() == 404) {
                return true;
            }
            throw e;
        }
    }

    /** Returns the settings this client was made with. */
    public RegistrySettings settings() {
        return settings;
    }

    private JsonNode send(String method, String path, String body, String what) {
        SchemaRegistryException last = null;
        for (String url : settings.urls()) {
            String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(settings.timeout())
                    .header("Accept", CONTENT_TYPE + ", application/json");
            if (settings.username() != null) {
                String credentials = settings.username() + ":" + Objects.toString(settings.password(), "");
                request.header(
                        "Authorization",
                        "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
            }
            if (body == null) {
                request.GET();
            } else {
                request.header("Content-Type", CONTENT_TYPE).method(method, HttpRequest.BodyPublishers.ofString(body));
            }
            HttpResponse<String> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                last = new SchemaRegistryException(
                        -1, "The schema registry at " + base + " could not be reached for " + what + ": " + e + ".", e);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException(-1, "Interrupted while " + what + " at " + base + ".", e);
            }
            if (response.statusCode() / 100 != 2) {
                throw new SchemaRegistryException(
                        response.statusCode(),
                        "The schema registry at " + base + " answered HTTP " + response.statusCode() + " to " + what
                                + ": " + response.body().strip() + ".",
                        null);
            }
            try {
                return JSON.readTree(response.body());
            } catch (IOException e) {
                throw new SchemaRegistryException(
                        response.statusCode(),
                        "The schema registry at " + base + " answered " + what + " with invalid JSON: "
                                + e.getMessage(),
                        e);
            }
        }
        throw last;
    }

    private static Schema parse(JsonNode answer, String what) {
        String text = answer.path("schema").asText(null);
        if (text == null) {
            throw new SchemaRegistryException(
                    200, "The schema registry's answer for " + what + " has no schema.", null);
        }
        try {
            return new Schema.Parser().parse(text);
        } catch (RuntimeException e) {
            throw new SchemaRegistryException(
                    200, "The schema registry returned " + what + " that is not an Avro schema: " + e.getMessage(), e);
        }
    }

    private static String body(Schema schema) {
        try {
            return JSON.writeValueAsString(Map.of("schemaType", "AVRO", "schema", schema.toString()));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot write a registry request for " + schema.getFullName(), e);
        }
    }

    private static String key(String subject, Schema schema) {
        return subject + '\u0000' + schema;
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static SSLContext sslContext(RegistrySettings s) {
        try {
            TrustManagerFactory tmf = null;
            if (s.trustStore() != null) {
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(load(s.trustStore(), s.trustStorePassword()));
            }
            KeyManagerFactory kmf = null;
            if (s.keyStore() != null) {
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(
                        load(s.keyStore(), s.keyStorePassword()),
                        s.keyStorePassword() == null
                                ? new char[0]
                                : s.keyStorePassword().toCharArray());
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new SchemaRegistryException(
                    -1, "Cannot set up TLS for the schema registry from its trust or key store: " + e.getMessage(), e);
        }
    }

    /** Reads a PKCS12 or JKS store; {@code KeyStore.getInstance(File, ...)} detects the type. */
    private static KeyStore load(String file, String password) throws GeneralSecurityException, IOException {
        Path path = Path.of(file);
        if (!Files.isReadable(path)) {
            throw new IOException("the file '" + file + "' cannot be read");
        }
        try (InputStream ignored = Files.newInputStream(path)) {
            return KeyStore.getInstance(path.toFile(), password == null ? null : password.toCharArray());
        }
    }
}
