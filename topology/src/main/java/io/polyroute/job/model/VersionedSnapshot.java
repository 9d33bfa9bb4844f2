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
package io.polyroute.job.model;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Snapshot of a hand-written record serializer whose version names the record layout. Changing a
 * record's fields means a new version: the serializer keeps a reader of every older version it
 * still supports ({@link #serializerFor}), and state written with one of them is restored through
 * Flink's migration (read with the old layout, written with the new). A version this build does not
 * know fails the restore naming the record, instead of reading corrupted state.
 */
public abstract class VersionedSnapshot<T> implements TypeSerializerSnapshot<T> {
    private final String record;
    private final int currentVersion;
    private final int oldestVersion;
    private int readVersion;

    /**
     * @param record the record's name, for messages
     * @param currentVersion the version the serializer writes
     * @param oldestVersion the oldest version it still reads
     */
    protected VersionedSnapshot(String record, int currentVersion, int oldestVersion) {
        this.record = record;
        this.currentVersion = currentVersion;
        this.oldestVersion = oldestVersion;
        this.readVersion = currentVersion;
    }

    @Override
    public final int getCurrentVersion() {
        return currentVersion;
    }

    /** The version of the state this snapshot describes: the current one, or the one read. */
    public final int version() {
        return readVersion;
    }

    /** The version alone describes the layout; nothing else is written. */
    @Override
    public void writeSnapshot(DataOutputView out) {}

    @Override
    public void readSnapshot(int version, DataInputView in, ClassLoader classLoader) throws IOException {
        if (version < oldestVersion || version > currentVersion) {
            throw new IOException("State holds " + record + " records of serializer version " + version
                    + "; this build reads versions " + oldestVersion + " to " + currentVersion
                    + ". Restore it with the Polyroute release that wrote it, or start without the savepoint.");
        }
        readVersion = version;
    }

    @Override
    public final TypeSerializer<T> restoreSerializer() {
        return serializerFor(readVersion);
    }

    /**
     * As is when {@code old} describes the current layout, after migration when it describes an
     * older layout this build reads, incompatible otherwise.
     */
    @Override
    public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(TypeSerializerSnapshot<T> old) {
        if (old.getClass() != getClass()) {
            return TypeSerializerSchemaCompatibility.incompatible();
        }
        int v = ((VersionedSnapshot<?>) old).readVersion;
        if (sameLayout(v)) {
            return TypeSerializerSchemaCompatibility.compatibleAsIs();
        }
        return v >= oldestVersion && v < currentVersion
                ? TypeSerializerSchemaCompatibility.compatibleAfterMigration()
                : TypeSerializerSchemaCompatibility.incompatible();
    }

    /** Whether records of {@code version} have the current layout (by default: the current version only). */
    protected boolean sameLayout(int version) {
        return version == currentVersion;
    }

    /** A serializer that reads (and writes) records of {@code version}. */
    protected abstract TypeSerializer<T> serializerFor(int version);
}
