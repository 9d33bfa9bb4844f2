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
package io.polyroute.monitor.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Serves the dashboard page and its assets from the classpath: the files under
 * {@code monitor/} and the charting library from its WebJar, so the page needs no network.
 * Only the paths listed here are served; every other path is a 404.
 */
public final class StaticFiles implements HttpHandler {

    /** Where the page's own files live on the classpath. */
    static final String ROOT = "monitor/";

    private static final String CHARTJS_POM = "META-INF/maven/org.webjars/chartjs/pom.properties";

    private final Map<String, Asset> assets = new LinkedHashMap<>();

    /**
     * Loads every asset once.
     *
     * @throws IllegalStateException if an asset is missing from the classpath
     */
    public StaticFiles() {
        Asset page = Asset.load(ROOT + "index.html", "text/html; charset=utf-8");
        assets.put("/", page);
        assets.put("/index.html", page);
        assets.put("/app.js", Asset.load(ROOT + "app.js", "text/javascript; charset=utf-8"));
        assets.put("/style.css", Asset.load(ROOT + "style.css", "text/css; charset=utf-8"));
        assets.put("/favicon.svg", Asset.load(ROOT + "favicon.svg", "image/svg+xml"));
        assets.put(
                "/vendor/chart.umd.js",
                Asset.load(
                                "META-INF/resources/webjars/chartjs/" + chartJsVersion() + "/dist/chart.umd.js",
                                "text/javascript; charset=utf-8")
                        .withoutSourceMap());
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            Responses.sendError(exchange, 405, "The monitor only serves GET requests, not " + method + ".");
            return;
        }
        Asset asset = assets.get(exchange.getRequestURI().getPath());
        if (asset == null) {
            Responses.send(
                    exchange,
                    404,
                    "text/plain; charset=utf-8",
                    Responses.utf8("Not found: " + exchange.getRequestURI().getPath() + "\n"));
            return;
        }
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        Responses.send(exchange, 200, asset.contentType(), asset.bytes());
    }

    /** The version of the Chart.js WebJar on the classpath, from its Maven metadata. */
    static String chartJsVersion() {
        Properties pom = new Properties();
        try (InputStream in = resource(CHARTJS_POM)) {
            pom.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + CHARTJS_POM + ".", e);
        }
        String version = pom.getProperty("version");
        if (version == null) {
            throw new IllegalStateException("The Chart.js WebJar's " + CHARTJS_POM + " names no version.");
        }
        return version;
    }

    private static InputStream resource(String path) {
        InputStream in = StaticFiles.class.getClassLoader().getResourceAsStream(path);
        if (in == null) {
            throw new IllegalStateException(
                    "The monitor page's asset '" + path + "' is not on the classpath; " + "the jar is incomplete.");
        }
        return in;
    }

    /** One served file. */
    private record Asset(byte[] bytes, String contentType) {
        /** The script without its source map comment, so browsers do not ask for a map that is not served. */
        Asset withoutSourceMap() {
            String text = new String(bytes, StandardCharsets.UTF_8);
            return new Asset(Responses.utf8(text.replaceAll("(?m)^//# sourceMappingURL=.*$", "")), contentType);
        }

        static Asset load(String path, String contentType) {
            try (InputStream in = resource(path)) {
                return new Asset(in.readAllBytes(), contentType);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not read the monitor asset '" + path + "'.", e);
            }
        }
    }
}
