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
package io.polyroute.job.io;

import io.polyroute.job.model.InFlight;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Writes a finished record as the Avro binary encoding of {@code Prediction}, straight from the
 * job's {@link InFlight} without building the Avro object: the same bytes as
 * {@code AvroCodec.encode(PredictionSerializer.toPrediction(...))} (a test holds them equal), at a
 * fraction of the cost — the generic datum writer and the boxed output list were the largest cost
 * of the sink. Field order and encodings follow {@code Prediction.avsc}; a schema change must
 * change this class and its test together. Not thread-safe: one instance per sink writer.
 */
final class PredictionWriter {
    private final byte[] prefix;
    private final byte[] modelName;
    private final byte[] modelVersion;
    /** {@code output_names}, encoded once: the array block, or the empty array's single 0 byte. */
    private final byte[] outputNames;

    private byte[] buf = new byte[512];
    private int pos;

    /**
     * @param prefix bytes before the body: empty for plain binary, the single-object header
     *     otherwise
     * @param outputNames the bundle's names of the output components, or an empty list
     */
    PredictionWriter(byte[] prefix, String modelName, String modelVersion, List<String> outputNames) {
        this.prefix = prefix.clone();
        this.modelName = modelName.getBytes(StandardCharsets.UTF_8);
        this.modelVersion = modelVersion.getBytes(StandardCharsets.UTF_8);
        // The names are the same in every prediction: encode them once, with this writer's own methods.
        pos = 0;
        if (!outputNames.isEmpty()) {
            varLong(outputNames.size());
            for (String n : outputNames) {
                string(n.getBytes(StandardCharsets.UTF_8));
            }
        }
        varLong(0);
        this.outputNames = Arrays.copyOf(buf, pos);
        pos = 0;
    }

    byte[] write(InFlight rec, long now) {
        return write(rec, rec.eventId.getBytes(StandardCharsets.UTF_8), now);
    }

    /** As {@link #write(InFlight, long)}, with the record's event id already encoded as UTF-8. */
    byte[] write(InFlight rec, byte[] eventIdUtf8, long now) {
        pos = 0;
        bytes(prefix);
        string(eventIdUtf8);
        string((rec.sourceId == null ? "" : rec.sourceId).getBytes(StandardCharsets.UTF_8));
        varLong(rec.eventTime);
        varLong(now);
        // A record served by another version than the job's bundle (a rollout) names that version.
        string(rec.modelName == null ? modelName : rec.modelName.getBytes(StandardCharsets.UTF_8));
        string(rec.modelVersion == null ? modelVersion : rec.modelVersion.getBytes(StandardCharsets.UTF_8));
        float[] y = rec.previous;
        if (y.length > 0) {
            varLong(y.length);
            ensure(4 * y.length);
            for (float v : y) {
                int bits = Float.floatToRawIntBits(v);
                buf[pos++] = (byte) bits;
                buf[pos++] = (byte) (bits >>> 8);
                buf[pos++] = (byte) (bits >>> 16);
                buf[pos++] = (byte) (bits >>> 24);
            }
        }
        varLong(0);
        int m = rec.choiceExpert.length;
        if (m > 0) {
            varLong(m);
            for (int i = 0; i < m; i++) {
                varLong(rec.choiceStage[i]);
                varLong(rec.choiceExpert[i]);
                varLong(rec.choiceGroup[i]);
                float4(rec.choiceWeight[i]);
                varLong(rec.choiceSlot[i]);
            }
        }
        varLong(0);
        long bits = Double.doubleToRawLongBits((double) Math.max(0, now - rec.eventTime));
        ensure(8);
        for (int i = 0; i < 8; i++) {
            buf[pos++] = (byte) (bits >>> (8 * i));
        }
        if (rec.flags.length > 0) {
            varLong(rec.flags.length);
            for (String f : rec.flags) {
                string(f.getBytes(StandardCharsets.UTF_8));
            }
        }
        varLong(0);
        bytes(outputNames);
        return Arrays.copyOf(buf, pos);
    }

    private void float4(float v) {
        ensure(4);
        int bits = Float.floatToRawIntBits(v);
        buf[pos++] = (byte) bits;
        buf[pos++] = (byte) (bits >>> 8);
        buf[pos++] = (byte) (bits >>> 16);
        buf[pos++] = (byte) (bits >>> 24);
    }

    private void string(byte[] utf8) {
        varLong(utf8.length);
        bytes(utf8);
    }

    private void bytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
    }

    /** Avro's zig-zag variable-length long (ints use the same bytes). */
    private void varLong(long v) {
        ensure(10);
        long n = (v << 1) ^ (v >> 63);
        while ((n & ~0x7FL) != 0) {
            buf[pos++] = (byte) ((n & 0x7F) | 0x80);
            n >>>= 7;
        }
        buf[pos++] = (byte) n;
    }

    private void ensure(int more) {
        if (pos + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
        }
    }
}
