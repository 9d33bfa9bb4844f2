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

import java.util.HashSet;
import java.util.Set;
import org.apache.avro.Schema;

/** Checks a schema must pass before {@link BoundedBinaryDecoder} may read data written with it. */
final class SchemaChecks {

    private SchemaChecks() {}

    /**
     * Fails when an array in {@code schema} has items that can be encoded in zero bytes (null, an
     * empty fixed, or a record of only such fields): for those, an item count larger than the
     * remaining bytes is legitimate, so the decoder's item-count guard would reject valid data.
     *
     * @throws IllegalArgumentException naming the schema and the offending array
     */
    static void requireNonEmptyArrayItems(Schema schema) {
        visit(schema, new HashSet<>(), schema);
    }

    private static void visit(Schema schema, Set<String> visited, Schema root) {
        switch (schema.getType()) {
            case RECORD:
                if (visited.add(schema.getFullName())) {
                    schema.getFields().forEach(field -> visit(field.schema(), visited, root));
                }
                break;
            case ARRAY:
                if (canBeEmpty(schema.getElementType(), new HashSet<>())) {
                    throw new IllegalArgumentException(String.format(
                            "Schema %s has an array of %s, whose items can take zero bytes; such arrays cannot be"
                                    + " bounded by the input length, so this codec does not support them.",
                            root.getFullName(), schema.getElementType()));
                }
                visit(schema.getElementType(), visited, root);
                break;
            case MAP:
                visit(schema.getValueType(), visited, root);
                break;
            case UNION:
                schema.getTypes().forEach(branch -> visit(branch, visited, root));
                break;
            default:
                break;
        }
    }

    private static boolean canBeEmpty(Schema schema, Set<String> inProgress) {
        switch (schema.getType()) {
            case NULL:
                return true;
            case FIXED:
                return schema.getFixedSize() == 0;
            case RECORD:
                // A record that contains itself can only do so through a union, array or map, which
                // take at least one byte, so a cycle means "not empty".
                if (!inProgress.add(schema.getFullName())) {
                    return false;
                }
                boolean empty = schema.getFields().stream().allMatch(field -> canBeEmpty(field.schema(), inProgress));
                inProgress.remove(schema.getFullName());
                return empty;
            default:
                return false;
        }
    }
}
