package io.xasflow.physics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One check for every way the engine solves a tridiagonal T with amplitudes: against a dense double-precision
 * eigendecomposition (dsyevd), the eigenvalues, and each vector's spectral weights, which are what a spectrum is made
 * of. Weights are compared broadened (Gaussians narrower than any line width the engine uses) so that degenerate
 * eigenvalues, whose individual eigenvectors are arbitrary, are compared by their summed weight.
 */
final class TridiagonalSolverCheck {
    private static final double[] PROBES = {0.02, 0.5};

    /** Eigenvalues in any order and amplitudes row-major: amplitudes[j * c + k] is vector k's on eigenvector j. */
    record Solution(double[] values, double[] amplitudes) {}

    /** Solves T (d, e with T(i, i+1) = e[i]) for the c vectors x (row-major n×c), leaving its arguments as they are. */
    interface Solver {
        Solution solve(double[] d, double[] e, int n, double[] x, int c, double tolerance);
    }

    private TridiagonalSolverCheck() {}

    /** x holds c vectors as rows of components: x[i * c + k] is component i of vector k. */
    static void assertMatchesDense(Solver solver, double[] d, double[] e, double[] x) {
        int n = d.length;
        int c = x.length / n;
        double norm = 0;
        for (int i = 0; i < n; i++) {
            norm = Math.max(norm, Math.abs(d[i]) + Math.abs(e[i]));
        }
        Solution solution = solver.solve(d, e, n, x, c, 1e-14 * norm);
        double[] values = solution.values();
        double[] amplitudes = solution.amplitudes();

        double[] dense = new double[n * n];
        for (int i = 0; i < n; i++) {
            dense[i * n + i] = d[i];
            if (i < n - 1) {
                dense[i * n + i + 1] = e[i];
                dense[(i + 1) * n + i] = e[i];
            }
        }
        SymmetricEigensolver.Eigensystem reference =
                new SymmetricEigensolver(SymmetricEigensolver.Precision.DOUBLE).decompose(dense, n);
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        for (int j = 0; j < n; j++) {
            assertEquals(reference.values()[j], sorted[j], 1e-12 * norm, "eigenvalue " + j);
        }
        double[] referenceAmplitudes = new double[n * c];
        for (int j = 0; j < n; j++) {
            for (int k = 0; k < c; k++) {
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    sum += reference.vectors()[j * n + i] * x[i * c + k];
                }
                referenceAmplitudes[j * c + k] = sum;
            }
        }
        double min = sorted[0] - 1;
        double max = sorted[n - 1] + 1;
        for (double width : PROBES) {
            for (double at = min; at <= max; at += width / 4) {
                for (int k = 0; k < c; k++) {
                    double solved = broadened(values, amplitudes, c, k, at, width);
                    double exact = broadened(reference.values(), referenceAmplitudes, c, k, at, width);
                    assertEquals(exact, solved, 1e-10, "vector " + k + " at " + at + " (width " + width + ")");
                }
            }
        }
    }

    static double[] randomVectors(SplittableRandom random, int n, int c) {
        double[] x = new double[n * c];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextDouble() - 0.5;
        }
        return x;
    }

    private static double broadened(double[] values, double[] amplitudes, int c, int k, double at, double width) {
        double sum = 0;
        for (int j = 0; j < values.length; j++) {
            double a = amplitudes[j * c + k];
            double u = (values[j] - at) / width;
            sum += a * a * Math.exp(-0.5 * u * u);
        }
        return sum;
    }
}
