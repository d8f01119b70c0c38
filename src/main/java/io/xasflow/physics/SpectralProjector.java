package io.xasflow.physics;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.lapack.LAPACK;
import org.netlib.util.intW;

/**
 * The eigenvalues E_f of a final-state block and the amplitudes ⟨f|x⟩ of given vectors, which is all a spectrum
 * needs: the eigenvectors themselves are never formed.
 *
 * <p>H = Q T Q^T (ssytrd, Householder), T = Z Λ Z^T (sstedc, divide and conquer on the tridiagonal), so
 * ⟨f|x⟩ = (Z^T (Q^T x))_f: Q^T is applied to the few vectors at hand (sormtr) instead of forming QZ, which saves the
 * O(n³) back-transformation of a full eigendecomposition (about a third of ssyevd's time for the 300–400 wide blocks).
 * Carrying only the c projections through the divide and conquer instead of Z (O(n²c)) was measured and gains
 * nothing here: the secular equations, not the eigenvector updates, dominate sstedc at these sizes
 * (docs/benchmarks.md). Single precision, like the engine's default eigensolver; checked against full
 * double-precision eigenvectors in the tests. Single use: {@link #project} consumes the tridiagonal, so every vector
 * bound for a block is projected in one call.
 */
final class SpectralProjector implements MultipletSolver.FinalStates {
    private static final LAPACK LAPACK_INSTANCE = LAPACK.getInstance();
    private static final BLAS BLAS_INSTANCE = BLAS.getInstance();

    private final int n;
    /** Householder reflectors of Q in the upper triangle (ssytrd output). */
    private final float[] reflectors;
    private final float[] tau;
    private final float[] diagonal;
    private final float[] offDiagonal;
    private boolean consumed;

    private SpectralProjector(int n, float[] reflectors, float[] tau, float[] diagonal, float[] offDiagonal) {
        this.n = n;
        this.reflectors = reflectors;
        this.tau = tau;
        this.diagonal = diagonal;
        this.offDiagonal = offDiagonal;
    }

    /** Reduces the symmetric n×n {@code matrix} (not modified) to tridiagonal form. */
    static SpectralProjector of(double[] matrix, int n) {
        float[] a = new float[n * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) matrix[i];
        }
        float[] diagonal = new float[n];
        float[] offDiagonal = new float[Math.max(1, n - 1)];
        float[] tau = new float[Math.max(1, n - 1)];
        intW info = new intW(0);
        float[] query = new float[1];
        LAPACK_INSTANCE.ssytrd("U", n, a, n, diagonal, offDiagonal, tau, query, -1, info);
        float[] work = new float[Math.max(1, (int) query[0])];
        LAPACK_INSTANCE.ssytrd("U", n, a, n, diagonal, offDiagonal, tau, work, work.length, info);
        check("ssytrd", n, info);
        return new SpectralProjector(n, a, tau, diagonal, offDiagonal);
    }

    @Override
    public Projection project(double[] vectors, int columns) {
        if (consumed) {
            throw new IllegalStateException("a SpectralProjector projects once; pass every vector in one call");
        }
        consumed = true;
        float[] x = new float[n * columns];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) vectors[i];
        }
        intW info = new intW(0);
        float[] query = new float[1];
        LAPACK_INSTANCE.sormtr("L", "U", "T", n, columns, reflectors, n, tau, x, n, query, -1, info);
        float[] work = new float[Math.max(1, (int) query[0])];
        LAPACK_INSTANCE.sormtr("L", "U", "T", n, columns, reflectors, n, tau, x, n, work, work.length, info);
        check("sormtr", n, info);

        float[] d = diagonal;
        float[] e = offDiagonal;
        float[] z = new float[n * n];
        int[] iquery = new int[1];
        LAPACK_INSTANCE.sstedc("I", n, d, e, z, n, query, -1, iquery, -1, info);
        int lwork = Math.max(1, (int) query[0]);
        int liwork = Math.max(1, iquery[0]);
        LAPACK_INSTANCE.sstedc("I", n, d, e, z, n, new float[lwork], lwork, new int[liwork], liwork, info);
        check("sstedc", n, info);
        float[] projected = new float[n * columns];
        BLAS_INSTANCE.sgemm("T", "N", n, columns, n, 1f, z, n, x, n, 0f, projected, n);
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = d[i];
        }
        double[] amplitudes = new double[projected.length];
        for (int i = 0; i < amplitudes.length; i++) {
            amplitudes[i] = projected[i];
        }
        return new Projection(values, amplitudes);
    }

    private static void check(String routine, int n, intW info) {
        if (info.val != 0) {
            throw new ArithmeticException(routine + " failed for a " + n + "×" + n + " block, info=" + info.val);
        }
    }
}
