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

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** The bundle commands end to end: build, validate, inspect, score --check-reference, tampering. */
@Timeout(120)
class BundleCommandsTest {
    @TempDir
    Path dir;

    record Result(int code, String out, String err) {}

    static Stream<Arguments> builds() {
        return Stream.of(
                Arguments.of("weighted_sum", List.of("--combine", "weighted_sum")),
                Arguments.of(
                        "tensorpoly_rank", List.of("--combine", "tensorpoly_rank", "--order", "3", "--leaf-dim", "3")),
                Arguments.of("tensorpoly_order", List.of("--combine", "tensorpoly_order", "--order", "2")),
                Arguments.of("deep", List.of("--combine", "weighted_sum", "--stages", "3", "--encoder", "8")),
                Arguments.of("inherit", List.of("--stages", "2", "--inherit-routing", "--shared-expert")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("builds")
    void shouldBuildABundleThatPassesTheReferenceCheck(String name, List<String> extra) {
        Path out = dir.resolve(name);
        List<String> args = new ArrayList<>(List.of(
                "bundle",
                "build",
                "--synthetic",
                "--experts",
                "6",
                "--top-k",
                "2",
                "--input-dim",
                "12",
                "--hidden",
                "24",
                "--seed",
                "5",
                "--out",
                out.toString()));
        args.addAll(extra);
        Result build = run(args.toArray(String[]::new));
        assertThat(build.code()).as(build.err()).isZero();
        Result score = run("score", "--bundle", out.toString(), "--input", "random:3000", "--check-reference");
        assertThat(score.code()).as(score.err()).isZero();
        assertThat(score.out()).containsPattern("checked=3000 max_rel_error=[0-9.e+-]+");
    }

    @Test
    void shouldRefuseABundleWithOneChangedByteInAnyFileNamingTheFile() throws Exception {
        Path out = dir.resolve("tamper");
        assertThat(run(
                                "bundle",
                                "build",
                                "--synthetic",
                                "--experts",
                                "4",
                                "--input-dim",
                                "8",
                                "--hidden",
                                "8",
                                "--out",
                                out.toString())
                        .code())
                .isZero();
        List<Path> files;
        try (Stream<Path> s = Files.walk(out.resolve("1"))) {
            files = s.filter(Files::isRegularFile).toList();
        }
        assertThat(files).hasSizeGreaterThan(5);
        for (Path f : files) {
            byte[] original = Files.readAllBytes(f);
            byte[] bad = original.clone();
            bad[bad.length / 2] ^= 0x01;
            Files.write(f, bad);
            Result validate = run("bundle", "validate", out.toString());
            Result score = run("score", "--bundle", out.toString(), "--input", "random:10");
            Files.write(f, original);
            assertThat(validate.code()).as("validate after changing %s", f).isNotZero();
            assertThat(validate.err()).contains(f.getFileName().toString()).contains("SHA-256 mismatch");
            assertThat(score.code()).isNotZero();
            assertThat(score.err()).contains(f.getFileName().toString());
        }
        assertThat(run("bundle", "validate", out.toString()).code()).isZero();
    }

    @Test
    void shouldInspectABundle() {
        Path out = dir.resolve("inspect");
        run(
                "bundle",
                "build",
                "--synthetic",
                "--experts",
                "4",
                "--input-dim",
                "8",
                "--hidden",
                "8",
                "--out",
                out.toString());
        Result r = run("bundle", "inspect", out.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out())
                .contains("combine weighted_sum, top-2 of 4 experts")
                .contains("parameters")
                .contains("gate.onnx");
    }

    @Test
    void everyCommandAnswersHelp() {
        for (String[] cmd : List.of(
                new String[] {"--help"},
                new String[] {"demo", "--help"},
                new String[] {"run", "--help"},
                new String[] {"bundle", "build", "--help"},
                new String[] {"bundle", "validate", "--help"},
                new String[] {"bundle", "inspect", "--help"},
                new String[] {"score", "--help"})) {
            Result r = run(cmd);
            assertThat(r.code()).as(String.join(" ", cmd)).isZero();
            assertThat(r.out()).contains("Usage:");
        }
        assertThat(run("run", "--help").out()).contains("job.slots").contains("batching.expert.size");
    }

    @Test
    void shouldExplainAnUnknownCombineMode() {
        Result r = run(
                "bundle",
                "build",
                "--synthetic",
                "--combine",
                "mean",
                "--out",
                dir.resolve("x").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--combine 'mean' is unknown");
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            CommandLine cl = PolyrouteCli.commandLine();
            cl.setOut(new java.io.PrintWriter(o, true));
            cl.setErr(new java.io.PrintWriter(e, true));
            int code = cl.execute(args);
            cl.getOut().flush();
            cl.getErr().flush();
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
