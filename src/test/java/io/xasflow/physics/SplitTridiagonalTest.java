package io.xasflow.physics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * T solved as two halves joined by a rank-one update, and as halves of halves, against the dense eigendecomposition
 * ({@link TridiagonalSolverCheck}): the paths of the join (no coupling at the split, poles equal across the halves,
 * weights far below rounding, a negative coupling) each by a matrix that takes it.
 */
class SplitTridiagonalTest {
    /** The split as the shared check sees a solver: both halves by the QL, then the join. */
    private static final TridiagonalSolverCheck.Solver SPLIT = splitWhileWiderThan(Integer.MAX_VALUE);
    /** Halves, quarters, … down to parts narrower than 20: joins of joins. */
    private static final TridiagonalSolverCheck.Solver RECURSIVE = splitWhileWiderThan(20);

    private static TridiagonalSolverCheck.Solver splitWhileWiderThan(int width) {
        return (d, e, n, x, c, tolerance) -> solve(new SplitTridiagonal(d.clone(), e.clone(), n, x.clone(), c,
                tolerance, width), n, c);
    }

    private static void assertBothMatchDense(double[] d, double[] e, double[] x) {
        TridiagonalSolverCheck.assertMatchesDense(SPLIT, d, e, x);
        TridiagonalSolverCheck.assertMatchesDense(RECURSIVE, d, e, x);
    }

    private static TridiagonalSolverCheck.Solution solve(TridiagonalProjection split, int n, int c) {
        TridiagonalQl.solveAll(split.problems());
        MultipletSolver.Projection projection = split.projection();
        double[] rows = new double[n * c];
        for (int k = 0; k < c; k++) {
            for (int j = 0; j < n; j++) {
                rows[j * c + k] = projection.amplitudes()[k * n + j];
            }
        }
        return new TridiagonalSolverCheck.Solution(projection.values(), rows);
    }

    @Test
    void randomTridiagonalMatchesDenseEigendecomposition() {
        SplittableRandom random = new SplittableRandom(21);
        for (int n : new int[] {120, 121, 315}) {
            double[] d = random.doubles(n, -5, 5).toArray();
            double[] e = random.doubles(n, -1, 1).toArray();
            double[] x = TridiagonalSolverCheck.randomVectors(random, n, 5);
            assertBothMatchDense(d, e, x);
        }
    }

    /** A negative coupling at the split: the join works on −T's poles. */
    @Test
    void negativeCouplingAtTheSplit() {
        SplittableRandom random = new SplittableRandom(22);
        double[] d = random.doubles(80, -3, 3).toArray();
        double[] e = random.doubles(80, 0.2, 1).toArray();
        e[39] = -0.7;
        double[] x = TridiagonalSolverCheck.randomVectors(random, 80, 3);
        assertBothMatchDense(d, e, x);
    }

    /** No coupling at the split: every pole deflates, the halves' eigensystems are T's. */
    @Test
    void uncoupledHalvesAreReturnedAsTheyAre() {
        SplittableRandom random = new SplittableRandom(23);
        double[] d = random.doubles(60, -3, 3).toArray();
        double[] e = random.doubles(60, -1, 1).toArray();
        e[29] = 0;
        TridiagonalSolverCheck.assertMatchesDense(SPLIT, d, e, TridiagonalSolverCheck.randomVectors(random, 60, 2));
    }

    /**
     * Two identical halves coupled at the split: every pole appears twice, one of each pair deflates by a rotation,
     * and T's eigenvalues are each half's shifted by ±β (the symmetric and antisymmetric combinations).
     */
    @Test
    void polesEqualAcrossTheHalvesDeflateByRotation() {
        SplittableRandom random = new SplittableRandom(24);
        int half = 40;
        double[] d = new double[2 * half];
        double[] e = new double[2 * half];
        for (int i = 0; i < half; i++) {
            d[i] = d[2 * half - 1 - i] = 4 * random.nextDouble() - 2;
            e[i] = e[2 * half - 2 - i] = random.nextDouble();
        }
        e[half - 1] = 0.3;
        TridiagonalSolverCheck.assertMatchesDense(SPLIT, d, e,
                TridiagonalSolverCheck.randomVectors(random, 2 * half, 3));
    }

    /**
     * Eigenvectors that barely reach the split (couplings decaying away from it): weights from 1 down to far below
     * rounding, so some poles deflate and some roots sit 1e-20 and closer to their poles.
     */
    @Test
    void weightsFarBelowRoundingAndRootsAtTheirPoles() {
        SplittableRandom random = new SplittableRandom(25);
        int n = 100;
        double[] d = new double[n];
        double[] e = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = 10 * random.nextDouble() - 5;
            e[i] = Math.pow(10, -Math.abs(i - n / 2) / 4.0);
        }
        double[] x = TridiagonalSolverCheck.randomVectors(random, n, 4);
        assertBothMatchDense(d, e, x);
    }

    @Test
    void smallestSizes() {
        TridiagonalSolverCheck.assertMatchesDense(SPLIT, new double[] {1, -1}, new double[] {0.5, 0},
                new double[] {1, 0, 0.3, 0.7});
        TridiagonalSolverCheck.assertMatchesDense(SPLIT, new double[] {1, 2, -1}, new double[] {0.5, -0.25, 0},
                new double[] {1, 0.2, -0.4});
        assertThrows(IllegalArgumentException.class,
                () -> new SplitTridiagonal(new double[] {1}, new double[1], 1, new double[1], 1, 0, 1));
    }

    /** The secular equation's roots against the dense eigenvalues of diag(p) + ρwwᵀ, with weights over 30 decades. */
    @Test
    void secularRootsInterlaceAndMatchTheDenseEigenvalues() {
        SplittableRandom random = new SplittableRandom(26);
        int n = 50;
        double[] poles = random.doubles(n, -10, 10).sorted().toArray();
        double[] weights = new double[n];
        for (int j = 0; j < n; j++) {
            weights[j] = Math.pow(10, -30 * random.nextDouble()) * (random.nextBoolean() ? 1 : -1);
        }
        weights[7] = 1;
        double rho = 2.5;
        SecularEquation.Roots roots = SecularEquation.solve(poles, weights, rho, n);
        double[] dense = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                dense[i * n + j] = rho * weights[i] * weights[j] + (i == j ? poles[i] : 0);
            }
        }
        double[] exact = new SymmetricEigensolver(SymmetricEigensolver.Precision.DOUBLE).decompose(dense, n).values();
        for (int i = 0; i < n; i++) {
            int origin = roots.origin()[i];
            double root = poles[origin] + roots.offset()[i];
            assertEquals(exact[i], root, 1e-13 * 20, "root " + i);
            double above = i < n - 1 ? poles[i + 1] : Double.POSITIVE_INFINITY;
            assertEquals(true, origin == i ? roots.offset()[i] > 0 : roots.offset()[i] < 0 && origin == i + 1,
                    "root " + i + " must lie strictly inside (p_i, p_i+1) = (" + poles[i] + ", " + above + ")");
        }
        assertEquals(n, Arrays.stream(roots.offset()).filter(Double::isFinite).count());
    }
}
