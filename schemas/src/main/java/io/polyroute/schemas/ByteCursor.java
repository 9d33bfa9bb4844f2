package io.polyroute.schemas;

import java.io.InputStream;

/**
 * An unsynchronized input stream over a byte array that exposes its position, so a decoder can
 * compare declared lengths with the bytes that actually remain.
 */
final class ByteCursor extends InputStream {

    private final byte[] bytes;
    private int position;

    ByteCursor(byte[] bytes, int offset) {
        this.bytes = bytes;
        this.position = offset;
    }

    /** Returns the index of the next byte to read. */
    int position() {
        return position;
    }

    /** Returns the number of bytes not yet read. */
    int remaining() {
        return bytes.length - position;
    }

    @Override
    public int read() {
        return position < bytes.length ? bytes[position++] & 0xFF : -1;
    }

    @Override
    public int read(byte[] target, int offset, int length) {
        if (length == 0) {
            return 0;
        }
        if (position >= bytes.length) {
            return -1;
        }
        int count = Math.min(length, remaining());
        System.arraycopy(bytes, position, target, offset, count);
        position += count;
        return count;
    }

    @Override
    public long skip(long count) {
        int skipped = (int) Math.min(Math.max(count, 0L), remaining());
        position += skipped;
        return skipped;
    }

    @Override
    public int available() {
        return remaining();
    }
}
