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

import java.util.Arrays;

/**
 * Elements bound for one subtask of the next operator, sent across a shuffle as one element, so
 * Flink's per-element cost (record writer, mailbox, deserialisation) is paid once per batch. The
 * sender groups elements by their receiving subtask ({@link #target} out of {@link #subtasks}); a
 * custom partitioner delivers the batch there, and the receiver takes the elements one by one. A
 * batch is built by one operator and read by the next; it is never modified once emitted.
 *
 * @param <T> the element type
 */
public abstract class PartBatch<T> {
    /** The receiving subtask. */
    public final int target;
    /** The receiving operator's parallelism the batch was grouped for. */
    public final int subtasks;

    private int size;
    private Object[] elements;

    protected PartBatch(int target, int subtasks, int capacity) {
        if (subtasks < 1 || target < 0 || target >= subtasks) {
            throw new IllegalArgumentException("A batch for subtask " + target + " of " + subtasks + ".");
        }
        this.target = target;
        this.subtasks = subtasks;
        this.elements = new Object[Math.max(1, capacity)];
    }

    /** Appends {@code element}. */
    public void add(T element) {
        if (size == elements.length) {
            elements = Arrays.copyOf(elements, 2 * size);
        }
        elements[size++] = element;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    @SuppressWarnings("unchecked")
    public T get(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("Element " + i + " of a batch of " + size + ".");
        }
        return (T) elements[i];
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "{target=" + target + "/" + subtasks + ", size=" + size + "}";
    }
}
