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
package io.polyroute.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed TLS certificate for {@code 127.0.0.1}/{@code localhost}, made at test time with
 * the JDK's own {@code keytool}: a PKCS12 key store for the broker and a trust store holding its
 * certificate for the clients. Both passwords are random, so a test can search logs for them.
 *
 * <pre>{@code
 * TestCertificates tls = TestCertificates.create(tempDir);
 * broker.brokerProperty("ssl.keystore.location", tls.keyStore().toString());
 * }</pre>
 *
 * @param keyStore the broker's key store (PKCS12)
 * @param keyStorePassword password of the key store and of the key in it
 * @param trustStore the clients' trust store (PKCS12)
 * @param trustStorePassword password of the trust store
 */
public record TestCertificates(Path keyStore, String keyStorePassword, Path trustStore, String trustStorePassword) {

    /** Creates the key store and the trust store in {@code dir}. */
    public static TestCertificates create(Path dir) {
        String keyPass = "ks-" + UUID.randomUUID();
        String trustPass = "ts-" + UUID.randomUUID();
        Path keyStore = dir.resolve("broker.p12");
        Path cert = dir.resolve("broker.crt");
        Path trustStore = dir.resolve("truststore.p12");
        keytool(
                "-genkeypair",
                "-alias",
                "broker",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-validity",
                "2",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=ip:127.0.0.1,dns:localhost",
                "-keystore",
                keyStore.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                keyPass,
                "-keypass",
                keyPass);
        keytool(
                "-exportcert",
                "-rfc",
                "-alias",
                "broker",
                "-keystore",
                keyStore.toString(),
                "-storepass",
                keyPass,
                "-file",
                cert.toString());
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                "broker",
                "-file",
                cert.toString(),
                "-keystore",
                trustStore.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                trustPass);
        return new TestCertificates(keyStore, keyPass, trustStore, trustPass);
    }

    private static void keytool(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("keytool " + args[0] + " did not finish within 60 s.");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(
                        "keytool " + args[0] + " failed with exit code " + p.exitValue() + ": " + output.strip());
            }
        } catch (IOException e) {
            throw new IllegalStateException("Could not run keytool from " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running keytool " + args[0] + ".", e);
        }
    }
}
