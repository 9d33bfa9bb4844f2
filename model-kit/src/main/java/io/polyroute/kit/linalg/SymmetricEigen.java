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
package io.polyroute.kit.linalg;

/**
 * Eigenvalues and eigenvectors of a symmetric matrix, largest eigenvalue first.
 *
 * @param values the eigenvalues in descending order
 * @param vectors row-major {@code n × n}; column {@code c} is the unit eigenvector of {@code values[c]}
 * @param n the matrix size
 */
public record SymmetricEigen(double[] values, double[] vectors, int n) {

    /** Component {@code row} of the eigenvector of the {@code c}-th largest eigenvalue. */
    public double vector(int row, int c) {
        return vectors[row * n + c];
    }
}
