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

import io.polyroute.schemas.RecordDecodeException.Reason;
import java.io.EOFException;
import java.io.IOException;
import org.apache.avro.InvalidNumberEncodingException;
import org.apache.avro.SystemLimitException;

/**
 * A decoding failure with its reason and a description of the problem, either found by this
 * package's own checks or explained from an exception Avro raised. It travels through Avro's readers
 * as an {@link IOException} and is turned into a {@link RecordDecodeException} with the record's
 * context by {@link AvroCodec}.
 */
final class DecodeFailure extends IOException {

    private static final long serialVersionUID = 1L;

    private final Reason reason;

    /**
     * @param reason what was wrong
     * @param detail the problem as a clause, e.g. "it declares a string of 9 bytes at byte 3, but only
     *     2 bytes remain"
     */
    DecodeFailure(Reason reason, String detail) {
        this(reason, detail, null);
    }

    DecodeFailure(Reason reason, String detail, Throwable cause) {
        super(detail, cause);
        this.reason = reason;
    }

    /**
     * Explains an exception raised inside Avro while decoding a {@code recordType} whose decoder
     * stood at byte {@code position}. A failure of this package found in the cause chain is returned
     * as it is.
     */
    static DecodeFailure explain(Exception error, int position, String recordType) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof DecodeFailure) {
                return (DecodeFailure) t;
            }
        }
        if (error instanceof EOFException) {
            return new DecodeFailure(
                    Reason.TRUNCATED,
                    position == 0 ? "the input is empty" : "the input ends before the record is complete",
                    error);
        }
        String problem;
        if (error instanceof InvalidNumberEncodingException) {
            problem = "it holds an invalid variable-length number";
        } else if (error instanceof IndexOutOfBoundsException) {
            problem = "it selects a union branch or enum symbol that does not exist";
        } else if (error instanceof SystemLimitException || error instanceof UnsupportedOperationException) {
            // Avro's SystemLimitException checks throw UnsupportedOperationException beyond the JVM array limit.
            problem = "it declares a length beyond Avro's limits";
        } else {
            problem = "the bytes do not follow the " + recordType + " schema";
        }
        return new DecodeFailure(
                Reason.MALFORMED,
                String.format(
                        "%s near byte %d (%s: %s)",
                        problem, position, error.getClass().getSimpleName(), error.getMessage()),
                error);
    }

    Reason reason() {
        return reason;
    }

    /** Formats a byte count for a message: "1 byte", "12 bytes". */
    static String bytes(long count) {
        return count == 1 ? "1 byte" : count + " bytes";
    }

    /** Formats what is left of the input for a message: "only 1 byte remains", "only 3 bytes remain". */
    static String onlyRemaining(long count) {
        return count == 1 ? "only 1 byte remains" : "only " + count + " bytes remain";
    }
}
