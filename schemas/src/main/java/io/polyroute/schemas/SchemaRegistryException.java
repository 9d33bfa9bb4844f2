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

/** A schema registry refused a request, answered with an error, or could not be reached. */
public final class SchemaRegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    /**
     * @param status the HTTP status of the registry's answer, or -1 when there was none
     * @param message whole sentence naming the registry URL, the request and the problem
     * @param cause the underlying failure, or null
     */
    public SchemaRegistryException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** Returns the HTTP status of the registry's answer, or -1 when there was none. */
    public int status() {
        return status;
    }
}
