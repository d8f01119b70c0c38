package io.xasflow.physics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The implicit QL with rotated amplitudes against a dense double-precision eigendecomposition
 * ({@link TridiagonalSolverCheck}), and its scheduling of several problems at once.
 */
class TridiagonalQlTest {
    /** The QL as the shared check sees a solver: amplitudes row-major, as the QL keeps them. */
    static final TridiagonalSolverCheck.Solver QL = (d, e, n, x, c, tolerance) -> {
        double[] values = d.clone();
        double[] amplitudes = x.clone();
        TridiagonalQl.solve(values, e.clone(), n, amplitudes, c, tolerance);
        return new TridiagonalSolverCheck.Solution(values, amplitudes);
    };

    @Test
    void randomTridiagonalMatchesDenseEigendecomposition() {
        SplittableRandom random = new SplittableRandom(11);
        double[] d = new double[120];
        double[] e = new double[120];
        for (int i = 0; i < d.length; i++) {
            d[i] = 10 * random.nextDouble() - 5;
            e[i] = 2 * random.nextDouble() - 1;
        }
        assertMatchesDense(d, e, randomVectors(random, d.length, 5));
    }

    /** Two identical halves, uncoupled: every eigenvalue twice, and the halves must not leak into each other. */
    @Test
    void exactDegeneraciesKeepTheirSummedWeights() {
        SplittableRandom random = new SplittableRandom(12);
        int half = 40;
        double[] d = new double[2 * half];
        double[] e = new double[2 * half];
        for (int i = 0; i < half; i++) {
            d[i] = d[i + half] = 4 * random.nextDouble() - 2;
            e[i] = e[i + half] = random.nextDouble();
        }
        e[half - 1] = 0;
        double[] x = randomVectors(random, d.length, 3);
        assertMatchesDense(d, e, x);
        // a vector living on the first half only: nothing of it may appear on the second half's copies
        double[] first = new double[d.length];
        Arrays.fill(first, 0, half, 1);
        double[] values = d.clone();
        double[] amplitudes = first.clone();
        TridiagonalQl.solve(values, e.clone(), d.length, amplitudes, 1, 1e-14);
        double total = 0;
        for (double a : amplitudes) {
            total += a * a;
        }
        assertEquals(half, total, 1e-10, "the norm of the vector is conserved");
    }

    /** A graded, nearly split matrix (couplings down to 1e-9), the case that stalls a shift strategy. */
    @Test
    void gradedMatrixWithTinyCouplings() {
        SplittableRandom random = new SplittableRandom(13);
        double[] d = new double[60];
        double[] e = new double[60];
        for (int i = 0; i < d.length; i++) {
            d[i] = Math.pow(10, -i / 10.0);
            e[i] = Math.pow(10, -i / 6.0) * random.nextDouble();
        }
        assertMatchesDense(d, e, randomVectors(random, d.length, 2));
    }

    /**
     * Interleaving is scheduling only: five problems solved together (four lanes, then two, then one alone; each lane
     * taking the next problem when its own is solved, one of them 1×1 and so solved on arrival) equal each solved
     * alone.
     */
    @Test
    void problemsSolvedTogetherEqualProblemsSolvedAlone() {
        SplittableRandom random = new SplittableRandom(14);
        int[] sizes = {90, 57, 180, 1, 73};
        int count = sizes.length;
        double[][] d = new double[count][];
        double[][] e = new double[count][];
        double[][] x = new double[count][];
        List<TridiagonalQl> together = new ArrayList<>();
        double[][] values = new double[count][];
        double[][] amplitudes = new double[count][];
        for (int k = 0; k < count; k++) {
            d[k] = random.doubles(sizes[k], -3, 3).toArray();
            e[k] = random.doubles(sizes[k], -1, 1).toArray();
            x[k] = randomVectors(random, sizes[k], k + 1);
            values[k] = d[k].clone();
            amplitudes[k] = x[k].clone();
            together.add(new TridiagonalQl(values[k], e[k].clone(), sizes[k], amplitudes[k], k + 1, 1e-12));
        }
        TridiagonalQl.solveAll(together);
        for (int k = 0; k < count; k++) {
            double[] alone = d[k].clone();
            double[] aloneAmplitudes = x[k].clone();
            TridiagonalQl.solve(alone, e[k].clone(), sizes[k], aloneAmplitudes, k + 1, 1e-12);
            assertArrayEquals(alone, values[k], "eigenvalues of problem " + k);
            assertArrayEquals(aloneAmplitudes, amplitudes[k], "amplitudes of problem " + k);
        }
    }

    @Test
    void smallestSizes() {
        double[] one = {3};
        double[] amplitude = {2};
        TridiagonalQl.solve(one, new double[1], 1, amplitude, 1, 0);
        assertEquals(3, one[0]);
        assertEquals(2, amplitude[0]);
        assertMatchesDense(new double[] {1, -1}, new double[] {0.5, 0}, new double[] {1, 0, 0.3, 0.7});
    }

    @Test
    void nonFiniteInputIsReportedNotLooped() {
        double[] d = {1, Double.NaN, 2};
        assertThrows(ArithmeticException.class,
                () -> TridiagonalQl.solve(d, new double[] {1, 1, 0}, 3, new double[3], 1, 1e-12));
    }

    private static void assertMatchesDense(double[] d, double[] e, double[] x) {
        TridiagonalSolverCheck.assertMatchesDense(QL, d, e, x);
    }

    private static double[] randomVectors(SplittableRandom random, int n, int c) {
        return TridiagonalSolverCheck.randomVectors(random, n, c);
    }
}
