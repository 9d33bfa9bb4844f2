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
package io.polyroute.job.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.polyroute.kit.synthetic.SyntheticBundleBuilder;
import io.polyroute.runtime.bundle.BundleLoader;
import io.polyroute.runtime.bundle.BundleValidationException;
import io.polyroute.runtime.bundle.ModelBundle;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BundleCache} with {@code file://} URIs and a second local folder standing in for shared
 * storage: one copy per bundle version, checksums verified in the cache, a damaged cached copy
 * fetched again, a changed bundle refused naming the file.
 */
@Timeout(60)
class BundleCacheTest {
    @TempDir
    Path dir;

    private Path shared;
    private Path cache;
    private String uri;

    @BeforeEach
    void writeBundleToSharedStorage() throws Exception {
        shared = dir.resolve("shared/factory");
        cache = dir.resolve("cache");
        SyntheticBundleBuilder.create()
                .name("cached-moe")
                .inputDim(6)
                .hidden(8)
                .experts(3)
                .seed(4)
                .build(shared);
        uri = shared.toUri().toString();
        assertThat(uri).startsWith("file:/");
    }

    @Test
    void shouldCopyTheBundleIntoTheCacheOnceAndLoadItFromThere() throws Exception {
        ModelBundle first = BundleCache.load(uri, cache, BundleLoader::load);

        assertThat(first.root()).startsWith(cache.toAbsolutePath());
        assertThat(first.root().getParent().getFileName().toString()).isEqualTo("cached-moe");
        assertThat(first.name()).isEqualTo("cached-moe");
        assertThat(first.resolve("experts/e01.onnx")).exists();
        assertThat(first.resolve("reference.onnx")).exists();

        // Shared storage loses an expert: the cached version does not need it again.
        Files.delete(shared.resolve("1/experts/e01.onnx"));
        ModelBundle second = BundleCache.load(uri, cache, BundleLoader::loadForServing);
        assertThat(second.root()).isEqualTo(first.root());
    }

    @Test
    void shouldFetchADamagedCachedCopyAgain() throws Exception {
        ModelBundle first = BundleCache.load(uri, cache, BundleLoader::load);
        Path cached = first.resolve("experts/e02.onnx");
        byte[] bytes = Files.readAllBytes(cached);
        bytes[bytes.length / 2] ^= 1;
        Files.write(cached, bytes);

        ModelBundle again = BundleCache.load(uri, cache, BundleLoader::loadForServing);

        assertThat(again.root()).isEqualTo(first.root());
        assertThat(Files.readAllBytes(again.resolve("experts/e02.onnx")))
                .isEqualTo(Files.readAllBytes(shared.resolve("1/experts/e02.onnx")));
    }

    @Test
    void shouldRefuseAFileChangedOnSharedStorageNamingIt() throws Exception {
        Path gate = shared.resolve("1/gate.onnx");
        byte[] bytes = Files.readAllBytes(gate);
        bytes[bytes.length - 3] ^= 1;
        Files.write(gate, bytes);

        assertThatThrownBy(() -> BundleCache.load(uri, cache, BundleLoader::loadForServing))
                .isInstanceOf(BundleValidationException.class)
                .hasMessageContaining("gate.onnx")
                .hasMessageContaining("SHA-256 mismatch");
    }

    @Test
    void shouldLoadAPlainPathWhereItIs() {
        ModelBundle b = BundleCache.load(shared.toString(), cache, BundleLoader::load);

        assertThat(b.root()).isEqualTo(shared.toAbsolutePath());
        assertThat(cache).doesNotExist();
        assertThat(BundleCache.isUri(shared.toString())).isFalse();
        assertThat(BundleCache.isUri("s3://models/factory-moe")).isTrue();
        assertThat(BundleCache.isUri("hdfs://nn:8020/models/x")).isTrue();
    }

    @Test
    void shouldNameTheLocationWhenNothingIsThere() {
        String missing = dir.resolve("nowhere").toUri().toString();

        assertThatThrownBy(() -> BundleCache.load(missing, cache, BundleLoader::load))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(missing);
    }
}
