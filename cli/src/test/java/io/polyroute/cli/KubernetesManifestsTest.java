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

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every Kubernetes object in {@code ops/k8s}, and every object the kustomizations there render,
 * checked against the schemas vendored in {@code ops/k8s/schemas} (see its README): the Flink
 * Kubernetes Operator's {@code FlinkDeployment} CRD schema and Kubernetes' own schemas of the plain
 * kinds. Unknown fields are errors, as with {@code kubectl apply}'s default strict field validation:
 * the Kubernetes schemas are the strict variants, and the CRD schema is made strict here (every
 * object schema with properties and without {@code x-kubernetes-preserve-unknown-fields} refuses
 * other fields).
 *
 * <p>The kustomizations are rendered by a small renderer in this test that knows exactly the
 * features they use ({@code resources}, {@code images}, {@code configurations} for image paths,
 * {@code patches} as JSON 6902 patches with a target or as merge patches of whole objects) and
 * refuses any other key, so a kustomization that outgrows it fails here instead of passing
 * unchecked.
 */
class KubernetesManifestsTest {

    private static final Path K8S = Path.of("..", "ops", "k8s");
    private static final Path SCHEMAS = K8S.resolve("schemas");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new YAMLMapper(new YAMLFactory());

    /** Schema file of each apiVersion and kind used under ops/k8s. */
    private static final Map<String, String> SCHEMA_FILES = Map.of(
            "v1/ConfigMap", "configmap-v1.json",
            "v1/Secret", "secret-v1.json",
            "v1/Service", "service-v1.json",
            "v1/PersistentVolumeClaim", "persistentvolumeclaim-v1.json",
            "apps/v1/Deployment", "deployment-apps-v1.json",
            "flink.apache.org/v1beta1/FlinkDeployment", "flinkdeployment-flink.apache.org-v1beta1.json");

    /** Files under ops/k8s that are not Kubernetes objects. */
    private static final Set<String> NOT_OBJECTS =
            Set.of("kustomization.yaml", "kustomize-images.yaml", "flinkdeployment-cpu.yaml");

    private static final Map<String, Schema> SCHEMAS_BY_KIND = new HashMap<>();

    static Stream<Path> manifests() throws IOException {
        try (Stream<Path> files = Files.walk(K8S)) {
            return files
                    .filter(p -> p.toString().endsWith(".yaml"))
                    .filter(p -> !NOT_OBJECTS.contains(p.getFileName().toString()))
                    .sorted()
                    .toList()
                    .stream();
        }
    }

    static Stream<Path> kustomizations() throws IOException {
        try (Stream<Path> files = Files.walk(K8S)) {
            return files
                    .filter(p -> p.getFileName().toString().equals("kustomization.yaml"))
                    .map(Path::getParent)
                    .sorted()
                    .toList()
                    .stream();
        }
    }

    @Test
    void shouldFindTheManifestsAndAKustomizationPerVariant() throws IOException {
        assertThat(manifests().map(p -> p.getFileName().toString()))
                .contains("flinkdeployment.yaml", "monitor.yaml", "job-config.yaml", "flink-data-pvc.yaml");
        assertThat(kustomizations()).hasSize(2);
    }

    @ParameterizedTest
    @MethodSource("manifests")
    void everyManifestShouldMatchItsSchema(Path file) throws IOException {
        List<JsonNode> objects = readAll(file);
        assertThat(objects).as("Kubernetes objects in %s", file).isNotEmpty();
        for (JsonNode object : objects) {
            assertThat(errors(object)).as("%s in %s", id(object), file).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void everyRenderedKustomizationShouldMatchTheSchemas(Path dir) throws IOException {
        List<JsonNode> rendered = render(dir);
        assertThat(rendered).extracting(KubernetesManifestsTest::kindOf).contains("FlinkDeployment", "Deployment");
        for (JsonNode object : rendered) {
            assertThat(errors(object))
                    .as("%s rendered from %s", id(object), dir)
                    .isEmpty();
        }
    }

    @Test
    void shouldRenderTheCpuVariantWithoutTheGpuAndWithTheRegistrysImage() throws IOException {
        Map<String, JsonNode> byKind = new HashMap<>();
        render(K8S.resolve("cpu")).forEach(o -> byKind.put(kindOf(o), o));

        JsonNode flink = byKind.get("FlinkDeployment");
        assertThat(flink.at("/spec/image").asText()).isEqualTo("registry.example.com/polyroute/polyroute:0.2.0");
        assertThat(flink.at("/spec/taskManager/podTemplate").isMissingNode()).isTrue();
        assertThat(byKind.get("ConfigMap").at("/data/job.yaml").asText()).contains("device: cpu");
    }

    @ParameterizedTest
    @ValueSource(strings = {"flinkdeployment-misspelt-field.yaml", "monitor-misspelt-field.yaml"})
    void shouldRefuseAManifestWithAWrongField(String name) throws IOException {
        Path broken = Path.of("src", "test", "resources", "k8s-broken", name);
        List<String> errors = new ArrayList<>();
        for (JsonNode object : readAll(broken)) {
            errors.addAll(errors(object));
        }
        assertThat(errors).as("errors of %s", broken).isNotEmpty();
        assertThat(String.join("\n", errors)).containsAnyOf("resources", "imagePullPolcy");
    }

    @Test
    void shouldRefuseAKindWithoutAVendoredSchema() throws IOException {
        JsonNode job = YAML.readTree("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: x\n");
        assertThat(errors(job)).singleElement().asString().contains("no schema for batch/v1/Job");
    }

    /** The schema errors of one object, each with its location; empty when it is valid. */
    private static List<String> errors(JsonNode object) throws IOException {
        String key = object.path("apiVersion").asText() + "/" + kindOf(object);
        String file = SCHEMA_FILES.get(key);
        if (file == null) {
            return List.of("no schema for " + key + " in " + SCHEMAS + "; vendor it (see its README)");
        }
        Schema schema = SCHEMAS_BY_KIND.get(key);
        if (schema == null) {
            ObjectNode raw = (ObjectNode) JSON.readTree(SCHEMAS.resolve(file).toFile());
            // The generated Kubernetes schemas name a draft that the validator does not resolve;
            // they are draft-07 compatible, the registry's default dialect.
            raw.remove("$schema");
            if (key.startsWith("flink.apache.org/")) {
                raw = (ObjectNode) strict(raw);
                // The API server adds these to every custom resource's schema.
                ObjectNode props = (ObjectNode) raw.get("properties");
                props.putObject("apiVersion").put("type", "string");
                props.putObject("kind").put("type", "string");
                props.putObject("metadata").put("type", "object");
            }
            schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7)
                    .getSchema(JSON.writeValueAsString(raw), InputFormat.JSON);
            SCHEMAS_BY_KIND.put(key, schema);
        }
        List<String> out = new ArrayList<>();
        for (Error e : schema.validate(JSON.writeValueAsString(object), InputFormat.JSON)) {
            out.add(e.getInstanceLocation() + ": " + e.getMessage());
        }
        return out;
    }

    /**
     * A copy of a CRD schema in which every object schema that lists properties, and neither
     * allows other fields explicitly nor preserves unknown fields, refuses other fields.
     */
    static JsonNode strict(JsonNode node) {
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            node.forEach(n -> copy.add(strict(n)));
            return copy;
        }
        if (!node.isObject()) {
            return node;
        }
        ObjectNode copy = JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            // Property names are not schemas: keep them, and make their schemas strict.
            if (e.getKey().equals("properties") && e.getValue().isObject()) {
                ObjectNode props = JsonNodeFactory.instance.objectNode();
                e.getValue().fields().forEachRemaining(p -> props.set(p.getKey(), strict(p.getValue())));
                copy.set("properties", props);
            } else {
                copy.set(e.getKey(), strict(e.getValue()));
            }
        }
        if (node.has("properties")
                && !node.has("additionalProperties")
                && !node.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
            copy.put("additionalProperties", false);
        }
        return copy;
    }

    // ---------------------------------------------------------------- rendering the kustomizations

    private static final Set<String> KUSTOMIZATION_KEYS =
            Set.of("apiVersion", "kind", "resources", "images", "configurations", "patches");

    /** The objects {@code kubectl apply -k dir} would send, for the features ops/k8s uses. */
    static List<JsonNode> render(Path dir) throws IOException {
        JsonNode k = YAML.readTree(dir.resolve("kustomization.yaml").toFile());
        k.fieldNames()
                .forEachRemaining(name -> assertThat(KUSTOMIZATION_KEYS)
                        .as("kustomization key '%s' in %s (the test's renderer does not know it)", name, dir)
                        .contains(name));
        List<JsonNode> objects = new ArrayList<>();
        for (JsonNode r : k.path("resources")) {
            Path p = dir.resolve(r.asText()).normalize();
            objects.addAll(Files.isDirectory(p) ? render(p) : readAll(p));
        }
        for (JsonNode patch : k.path("patches")) {
            JsonNode body =
                    YAML.readTree(dir.resolve(patch.path("path").asText()).toFile());
            if (body.isArray()) {
                for (JsonNode o : objects) {
                    if (matches(o, patch.path("target"))) {
                        applyJsonPatch((ObjectNode) o, (ArrayNode) body);
                    }
                }
            } else {
                for (JsonNode o : objects) {
                    if (kindOf(o).equals(kindOf(body)) && name(o).equals(name(body))) {
                        merge((ObjectNode) o, body);
                    }
                }
            }
        }
        // As kustomize orders its built-in transformers: this level's patches, then its images.
        List<String> imagePaths = new ArrayList<>(List.of("spec/template/spec/containers"));
        for (JsonNode c : k.path("configurations")) {
            for (JsonNode i : YAML.readTree(dir.resolve(c.asText()).toFile()).path("images")) {
                imagePaths.add(i.path("kind").asText() + ":" + i.path("path").asText());
            }
        }
        for (JsonNode image : k.path("images")) {
            objects.forEach(o -> setImages(o, image, imagePaths));
        }
        return objects;
    }

    private static void setImages(JsonNode object, JsonNode image, List<String> paths) {
        String name = image.path("name").asText();
        for (String path : paths) {
            if (path.contains(":")) {
                String[] kindAndPath = path.split(":", 2);
                if (!kindOf(object).equals(kindAndPath[0])) {
                    continue;
                }
                String pointer = "/" + kindAndPath[1];
                int slash = pointer.lastIndexOf('/');
                JsonNode parent = object.at(pointer.substring(0, slash));
                String field = pointer.substring(slash + 1);
                if (parent instanceof ObjectNode p && p.has(field)) {
                    p.put(field, newImage(p.get(field).asText(), name, image));
                }
            } else {
                for (JsonNode c : object.at("/" + path)) {
                    ((ObjectNode) c).put("image", newImage(c.path("image").asText(), name, image));
                }
            }
        }
    }

    private static String newImage(String current, String name, JsonNode image) {
        String[] nameAndTag = current.split(":", 2);
        if (!nameAndTag[0].equals(name)) {
            return current;
        }
        String newName = image.path("newName").asText(name);
        String tag = image.has("newTag") ? image.get("newTag").asText() : nameAndTag.length > 1 ? nameAndTag[1] : null;
        return tag == null ? newName : newName + ":" + tag;
    }

    private static boolean matches(JsonNode object, JsonNode target) {
        return (!target.has("kind") || kindOf(object).equals(target.get("kind").asText()))
                && (!target.has("name")
                        || name(object).equals(target.get("name").asText()));
    }

    /** RFC 6902 add, replace and remove, the operations the patches use. */
    private static void applyJsonPatch(ObjectNode object, ArrayNode ops) {
        for (JsonNode op : ops) {
            String path = op.path("path").asText();
            int slash = path.lastIndexOf('/');
            JsonNode parent = object.at(path.substring(0, slash));
            String field = path.substring(slash + 1).replace("~1", "/").replace("~0", "~");
            assertThat(parent.isContainerNode())
                    .as("the parent of patch path %s exists", path)
                    .isTrue();
            switch (op.path("op").asText()) {
                case "add", "replace" -> {
                    if (parent instanceof ArrayNode a) {
                        if (field.equals("-")) {
                            a.add(op.get("value"));
                        } else {
                            a.set(Integer.parseInt(field), op.get("value"));
                        }
                    } else {
                        ((ObjectNode) parent).set(field, op.get("value"));
                    }
                }
                case "remove" -> {
                    assertThat(parent.has(field))
                            .as("patch path %s exists", path)
                            .isTrue();
                    if (parent instanceof ArrayNode a) {
                        a.remove(Integer.parseInt(field));
                    } else {
                        ((ObjectNode) parent).remove(field);
                    }
                }
                default -> throw new AssertionError("JSON patch op " + op + " is not known to the test's renderer");
            }
        }
    }

    /** A merge patch of maps (lists and values replace), as a strategic merge does for these kinds. */
    private static void merge(ObjectNode into, JsonNode patch) {
        patch.fields().forEachRemaining(e -> {
            JsonNode current = into.get(e.getKey());
            if (current instanceof ObjectNode o && e.getValue().isObject()) {
                merge(o, e.getValue());
            } else {
                into.set(e.getKey(), e.getValue());
            }
        });
    }

    private static List<JsonNode> readAll(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (var parser = YAML.getFactory().createParser(file.toFile())) {
            Iterator<JsonNode> docs = YAML.readValues(parser, JsonNode.class);
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    out.add(doc);
                }
            }
        }
        return out;
    }

    private static String kindOf(JsonNode object) {
        return object.path("kind").asText();
    }

    private static String name(JsonNode object) {
        return object.path("metadata").path("name").asText();
    }

    private static String id(JsonNode object) {
        Map<String, String> id = new LinkedHashMap<>();
        id.put("kind", kindOf(object));
        id.put("name", name(object));
        return id.toString();
    }
}
