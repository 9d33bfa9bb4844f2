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
