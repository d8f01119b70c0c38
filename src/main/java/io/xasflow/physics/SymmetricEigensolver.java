package io.xasflow.physics;

import dev.ludovic.netlib.lapack.LAPACK;
import java.util.Optional;
import java.util.logging.Logger;
import org.netlib.util.intW;

/**
 * Full eigendecomposition of a real symmetric matrix with LAPACK dsyevd (divide and conquer). The netlib binding uses
 * the system's native OpenBLAS/LAPACK through JNI when present and a pure-Java translation otherwise; both give the
 * same eigenpairs to rounding. {@link Precision#SINGLE} runs ssyevd on a float copy (about 1.6× faster for the
 * 300–400 wide blocks of d3–d5 ions; eigenvalues to ~1e-6 eV, intensities to ~1e-6 relative, far below the 0.06 eV
 * channel and the ≥ 0.05 eV widths) and returns double arrays either way. Not thread-safe: one instance per worker
 * thread (it keeps its workspace).
 */
final class SymmetricEigensolver {
    private static final LAPACK LAPACK_INSTANCE = LAPACK.getInstance();

    static {
        blasThreadWarning(implementation(), System.getenv("OPENBLAS_NUM_THREADS"))
                .ifPresent(Logger.getLogger(SymmetricEigensolver.class.getName())::warning);
    }

    /** Eigenvalues ascending; eigenvector k is column k of the column-major n×n {@code vectors}. */
    record Eigensystem(int n, double[] values, double[] vectors) {}

    /** Arithmetic of the LAPACK call. */
    enum Precision { SINGLE, DOUBLE }

    private final Precision precision;
    private double[] work = new double[1];
    private float[] workSingle = new float[1];
    private int[] iwork = new int[1];

    SymmetricEigensolver(Precision precision) {
        this.precision = precision;
    }

    /** Name of the LAPACK implementation in use (e.g. JNILAPACK for native, F2jLAPACK for pure Java). */
    static String implementation() {
        return LAPACK_INSTANCE.getClass().getSimpleName();
    }

    /**
     * The warning due when native OpenBLAS may run its own threads inside each solve: the engine parallelises over
     * spectra, and beside other busy threads OpenBLAS's own threads made one-thread spectra 60–70× slower
     * (docs/benchmarks.md).
     */
    static Optional<String> blasThreadWarning(String implementation, String openblasThreads) {
        if (!implementation.startsWith("JNI") || "1".equals(openblasThreads)) {
            return Optional.empty();
        }
        return Optional.of("OPENBLAS_NUM_THREADS is " + (openblasThreads == null ? "unset" : "'" + openblasThreads + "'")
                + ": native OpenBLAS may start threads inside every eigensolve, which on a busy machine makes spectra"
                + " many times slower; set OPENBLAS_NUM_THREADS=1 (the ./xasflow launcher does)");
    }

    /** Decomposes the symmetric n×n matrix {@code matrix} (overwritten by the eigenvectors). */
    Eigensystem decompose(double[] matrix, int n) {
        double[] values = new double[n];
        if (n == 0) {
            return new Eigensystem(0, values, matrix);
        }
        if (precision == Precision.SINGLE) {
            return decomposeSingle(matrix, n, values);
        }
        intW info = new intW(0);
        double[] workQuery = new double[1];
        int[] iworkQuery = new int[1];
        LAPACK_INSTANCE.dsyevd("V", "U", n, matrix, n, values, workQuery, -1, iworkQuery, -1, info);
        int lwork = (int) workQuery[0];
        int liwork = iworkQuery[0];
        if (work.length < lwork) {
            work = new double[lwork];
        }
        if (iwork.length < liwork) {
            iwork = new int[liwork];
        }
        LAPACK_INSTANCE.dsyevd("V", "U", n, matrix, n, values, work, lwork, iwork, liwork, info);
        if (info.val != 0) {
            throw new ArithmeticException("dsyevd failed for a " + n + "×" + n + " block, info=" + info.val);
        }
        return new Eigensystem(n, values, matrix);
    }

    private Eigensystem decomposeSingle(double[] matrix, int n, double[] values) {
        float[] a = new float[n * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) matrix[i];
        }
        float[] w = new float[n];
        intW info = new intW(0);
        float[] workQuery = new float[1];
        int[] iworkQuery = new int[1];
        LAPACK_INSTANCE.ssyevd("V", "U", n, a, n, w, workQuery, -1, iworkQuery, -1, info);
        int lwork = (int) workQuery[0];
        int liwork = iworkQuery[0];
        if (workSingle.length < lwork) {
            workSingle = new float[lwork];
        }
        if (iwork.length < liwork) {
            iwork = new int[liwork];
        }
        LAPACK_INSTANCE.ssyevd("V", "U", n, a, n, w, workSingle, lwork, iwork, liwork, info);
        if (info.val != 0) {
            throw new ArithmeticException("ssyevd failed for a " + n + "×" + n + " block, info=" + info.val);
        }
        for (int i = 0; i < n; i++) {
            values[i] = w[i];
        }
        for (int i = 0; i < a.length; i++) {
            matrix[i] = a[i];
        }
        return new Eigensystem(n, values, matrix);
    }
}
