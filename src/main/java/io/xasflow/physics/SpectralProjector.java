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
 * (docs/benchmarks.md). Single precision (the engine's final states; its initial states run in double); checked
 * against full double-precision eigenvectors in the tests. Every vector bound for a block is projected in one call,
 * so each block is reduced once.
 */
final class SpectralProjector {
    private static final LAPACK LAPACK_INSTANCE = LAPACK.getInstance();
    private static final BLAS BLAS_INSTANCE = BLAS.getInstance();

    private SpectralProjector() {}

    /**
     * The eigenvalues of the symmetric n×n {@code matrix} (not modified) and the amplitudes of the columns of the
     * column-major n×columns {@code vectors} on its eigenvectors.
     */
    static MultipletSolver.Projection project(double[] matrix, int n, double[] vectors, int columns) {
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

        float[] x = new float[n * columns];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) vectors[i];
        }
        LAPACK_INSTANCE.sormtr("L", "U", "T", n, columns, a, n, tau, x, n, query, -1, info);
        work = new float[Math.max(1, (int) query[0])];
        LAPACK_INSTANCE.sormtr("L", "U", "T", n, columns, a, n, tau, x, n, work, work.length, info);
        check("sormtr", n, info);

        float[] z = new float[n * n];
        int[] iquery = new int[1];
        LAPACK_INSTANCE.sstedc("I", n, diagonal, offDiagonal, z, n, query, -1, iquery, -1, info);
        int lwork = Math.max(1, (int) query[0]);
        int liwork = Math.max(1, iquery[0]);
        LAPACK_INSTANCE.sstedc("I", n, diagonal, offDiagonal, z, n, new float[lwork], lwork, new int[liwork], liwork,
                info);
        check("sstedc", n, info);
        float[] projected = new float[n * columns];
        BLAS_INSTANCE.sgemm("T", "N", n, columns, n, 1f, z, n, x, n, 0f, projected, n);
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = diagonal[i];
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
