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

import io.polyroute.monitor.Resolution;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The query parameters of one request, with typed, range-checked access. */
final class QueryParams {

    private final Map<String, String> values;
    private final Map<String, String> path;

    private QueryParams(Map<String, String> values, Map<String, String> path) {
        this.values = values;
        this.path = path;
    }

    /** The query string of {@code uri} and the path parameters of its route (raw, decoded here). */
    static QueryParams of(URI uri, Map<String, String> rawPathParams) {
        Map<String, String> path = new LinkedHashMap<>();
        rawPathParams.forEach((k, v) -> path.put(k, decode(v)));
        return new QueryParams(of(uri).values, path);
    }

    /** The path parameter {@code name}, e.g. the source id of {@code /api/sources/{id}/routing}. */
    String path(String name) {
        String value = path.get(name);
        if (value == null) {
            throw new BadRequestException("The route has no path parameter '" + name + "'.");
        }
        return value;
    }

    /** Parses the query string of {@code uri}; a repeated parameter keeps its last value. */
    static QueryParams of(URI uri) {
        Map<String, String> values = new LinkedHashMap<>();
        String query = uri.getRawQuery();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String key = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : pair.substring(eq + 1);
                values.put(decode(key), decode(value));
            }
        }
        return new QueryParams(values, Map.of());
    }

    /**
     * The whole number {@code name} between {@code min} and {@code max}, or {@code fallback} when absent.
     *
     * @throws BadRequestException if the value is not such a number
     */
    int intParam(String name, int fallback, int min, int max) {
        String raw = values.get(name);
        if (raw == null || raw.isEmpty()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below with the accepted range
        }
        throw new BadRequestException("The parameter '" + name + "' must be a whole number from " + min + " to " + max
                + ", but was '" + raw + "'.");
    }

    /**
     * The window size {@code name} ({@code 1s} or {@code 1m}), or {@code fallback} when absent.
     *
     * @throws BadRequestException if the value names no window size
     */
    Resolution resolution(String name, Resolution fallback) {
        String raw = values.get(name);
        if (raw == null || raw.isEmpty()) {
            return fallback;
        }
        try {
            return Resolution.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("The parameter '" + name + "' is invalid: " + e.getMessage());
        }
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("The query string holds a malformed escape in '" + s + "'.");
        }
    }

    /** A request the server cannot answer as asked; the message says what to change. */
    static final class BadRequestException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadRequestException(String message) {
            super(message);
        }
    }
}
