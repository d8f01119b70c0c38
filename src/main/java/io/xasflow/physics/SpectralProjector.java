package io.xasflow.physics;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.lapack.LAPACK;
import java.util.ArrayList;
import java.util.List;
import org.netlib.util.intW;

/**
 * The eigenvalues E_f of a final-state block and the amplitudes ⟨f|x⟩ of given vectors, which is all a spectrum
 * needs: the eigenvectors themselves are never formed.
 *
 * <p>H = Q T Q^T (ssytrd, Householder) and Q^T x (sormtr) for the few vectors at hand, then T = Z Λ Z^T one of two
 * ways ({@link #suitsQl}): the implicit QL of {@link TridiagonalQl}, whose rotations act on the c rows (Q^T x)^T so
 * that Z is never formed (O(n²c)) — for the widest blocks on T's two halves, joined by a rank-one update
 * ({@link SplitTridiagonal}) — or divide and conquer (sstedc, O(n³)) and Z^T (Q^T x). Either way ⟨f|x⟩ =
 * (Z^T Q^T x)_f without Q Z. H arrives in single precision and in its lower triangle only
 * ({@link ConfigurationModel.BlockTerms#assembleLowerSingle}); the engine's initial states run in double. Checked
 * against full double-precision eigenvectors in the tests. Every vector bound for a block is projected in one call, so
 * each block is reduced once.
 */
final class SpectralProjector {
    private static final LAPACK LAPACK_INSTANCE = LAPACK.getInstance();
    private static final BLAS BLAS_INSTANCE = BLAS.getInstance();

    /**
     * T splits where an off-diagonal element is below this fraction of its norm: below the single-precision rounding
     * of T's own entries (6e-8 relative), so no eigenvalue moves by more than that rounding already has; 1e-12 took
     * 15 % more rotations.
     */
    private static final double SPLIT_TOLERANCE = 1e-8;
    /**
     * Blocks, and halves, at least this wide go to the QL in two halves joined by a rank-one update
     * ({@link SplitTridiagonal}): 315 → 157 for the 1260-state ions (halving the 157s again was 1–2 % slower), 378 →
     * 189 → 94 for the 1512-state ions, 180 → 90 for the 720-state ions (docs/benchmarks.md, 2026-12-05).
     */
    private static final int HALVING_WIDTH = 160;
    /**
     * Columns per ssytrd panel, set through its workspace (ssytrd uses lwork / n when that is below its own choice of
     * 32): 8 took 180–378-wide random blocks 5–14 % faster here (docs/benchmarks.md, 2026-12-05).
     */
    private static final int HOUSEHOLDER_PANEL = 8;

    private SpectralProjector() {}

    /**
     * Per block f with {@code lower[f]} set (the lower triangle, column-major, of a symmetric n[f]×n[f] matrix;
     * overwritten): its eigenvalues, in no particular order, and the amplitudes of the columns of the column-major
     * n[f]×columns[f] {@code vectors[f]} on its eigenvectors. Null for the other blocks. The QL sweeps of all blocks
     * run together, on up to four lanes ({@link TridiagonalQl#solveAll}).
     */
    static MultipletSolver.Projection[] projectAll(float[][] lower, int[] n, double[][] vectors, int[] columns) {
        MultipletSolver.Projection[] projections = new MultipletSolver.Projection[lower.length];
        TridiagonalProjection[] pending = new TridiagonalProjection[lower.length];
        List<TridiagonalQl> problems = new ArrayList<>();
        for (int f = 0; f < lower.length; f++) {
            if (lower[f] == null) {
                continue;
            }
            Tridiagonal t = reduce(lower[f], n[f], vectors[f], columns[f]);
            if (!suitsQl(n[f], columns[f])) {
                projections[f] = divideAndConquer(t);
            } else {
                pending[f] = inDouble(t);
                problems.addAll(pending[f].problems());
            }
        }
        TridiagonalQl.solveAll(problems);
        for (int f = 0; f < lower.length; f++) {
            if (pending[f] != null) {
                projections[f] = pending[f].projection();
            }
        }
        return projections;
    }

    /**
     * Whether a block's tridiagonal stage goes to the QL (else to divide and conquer). The QL's rotations cost about
     * n²(α + βc); divide and conquer's eigenvectors grow more slowly than n³ at these sizes (n^1.6 from 90 to 316
     * wide), so below ~300 its fixed cost makes the QL the better choice up to some 16–24 vectors whatever n is, and the
     * 314–378-wide blocks of the d3–d5 ions keep it up to 24–32. Measured per block in a harness and per spectrum in
     * the engine (docs/benchmarks.md): a floor of 20 made the 720- and 270-state ions 7–12 % faster than the rule
     * (n − 120)/8 alone, which sent every block narrower than 128 to divide and conquer.
     */
    private static boolean suitsQl(int n, int columns) {
        return columns <= Math.max(20, (n - 120) / 8);
    }

    /** T (diagonal, off-diagonal) of H = Q T Q^T, and the vectors x in T's basis (Q^T x, column-major n×columns). */
    private record Tridiagonal(int n, float[] diagonal, float[] offDiagonal, float[] x, int columns) {}

    /**
     * T in double for the QL (T's float entries are exact there; in float the sweeps were no faster and less accurate),
     * halved while at least {@link #HALVING_WIDTH} wide.
     */
    private static TridiagonalProjection inDouble(Tridiagonal t) {
        int n = t.n();
        int columns = t.columns();
        double[] d = new double[n];
        double[] e = new double[n];
        double norm = 0;
        for (int i = 0; i < n; i++) {
            d[i] = t.diagonal()[i];
            e[i] = i < n - 1 ? t.offDiagonal()[i] : 0;
            norm = Math.max(norm, Math.abs(d[i]) + Math.abs(e[i]));
        }
        double[] rows = new double[n * columns];
        for (int k = 0; k < columns; k++) {
            for (int i = 0; i < n; i++) {
                rows[i * columns + k] = t.x()[k * n + i];
            }
        }
        return TridiagonalProjection.of(d, e, n, rows, columns, SPLIT_TOLERANCE * norm, HALVING_WIDTH);
    }

    private static Tridiagonal reduce(float[] a, int n, double[] vectors, int columns) {
        float[] diagonal = new float[n];
        float[] offDiagonal = new float[Math.max(1, n - 1)];
        float[] tau = new float[Math.max(1, n - 1)];
        intW info = new intW(0);
        float[] query = new float[1];
        float[] work = new float[Math.max(1, n * HOUSEHOLDER_PANEL)];
        LAPACK_INSTANCE.ssytrd("L", n, a, n, diagonal, offDiagonal, tau, work, work.length, info);
        check("ssytrd", n, info);

        float[] x = new float[n * columns];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) vectors[i];
        }
        LAPACK_INSTANCE.sormtr("L", "L", "T", n, columns, a, n, tau, x, n, query, -1, info);
        work = new float[Math.max(1, (int) query[0])];
        LAPACK_INSTANCE.sormtr("L", "L", "T", n, columns, a, n, tau, x, n, work, work.length, info);
        check("sormtr", n, info);
        return new Tridiagonal(n, diagonal, offDiagonal, x, columns);
    }

    /** Z of T by divide and conquer (sstedc), then Z^T x: cheaper than the QL's rotations once x has many columns. */
    private static MultipletSolver.Projection divideAndConquer(Tridiagonal t) {
        int n = t.n();
        float[] z = new float[n * n];
        float[] query = new float[1];
        int[] iquery = new int[1];
        intW info = new intW(0);
        LAPACK_INSTANCE.sstedc("I", n, t.diagonal(), t.offDiagonal(), z, n, query, -1, iquery, -1, info);
        int lwork = Math.max(1, (int) query[0]);
        int liwork = Math.max(1, iquery[0]);
        LAPACK_INSTANCE.sstedc("I", n, t.diagonal(), t.offDiagonal(), z, n, new float[lwork], lwork,
                new int[liwork], liwork, info);
        check("sstedc", n, info);
        float[] projected = new float[n * t.columns()];
        BLAS_INSTANCE.sgemm("T", "N", n, t.columns(), n, 1f, z, n, t.x(), n, 0f, projected, n);
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = t.diagonal()[i];
        }
        double[] amplitudes = new double[projected.length];
        for (int i = 0; i < amplitudes.length; i++) {
            amplitudes[i] = projected[i];
        }
        return new MultipletSolver.Projection(values, amplitudes);
    }

    private static void check(String routine, int n, intW info) {
        if (info.val != 0) {
            throw new ArithmeticException(routine + " failed for a " + n + "×" + n + " block, info=" + info.val);
        }
    }
}
