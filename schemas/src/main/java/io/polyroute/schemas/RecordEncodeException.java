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

/**
 * Thrown when a record cannot be encoded, typically because a field that the schema declares
 * non-null holds null. The message names the record type, the encoding and the offending field as
 * reported by Avro.
 */
public class RecordEncodeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message whole-sentence description naming the record type and the problem
     * @param cause the underlying Avro failure
     */
    public RecordEncodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
