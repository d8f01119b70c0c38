package io.xasflow.physics;

import dev.ludovic.netlib.blas.BLAS;
import java.util.Arrays;

/**
 * The eigenvalues of diag(d) + ρ z zᵀ and the amplitudes of a few vectors on its eigenvectors, given the vectors'
 * components y along the unit vectors of d: the merge step of Cuppen's divide and conquer (Numer. Math. 36, 177
 * (1981)), with the eigenvectors never stored whole.
 *
 * <p>Deflation as in LAPACK's dlaed2: a pole whose ρz_j is below rounding keeps its eigenvalue and its row of y, and of
 * two poles closer than rounding can tell apart, a plane rotation moves all of z onto one of them, and the rotated
 * rows of y go with it. The other poles' eigenvalues are the roots of the secular equation ({@link SecularEquation}),
 * their eigenvectors v_i ∝ (diag(d) − λ_i)⁻¹ z, and the amplitudes v_iᵀ y are built a panel of poles at a time by
 * dgemm, so that no n×n matrix ever leaves the cache.
 */
final class RankOneUpdate {
    /** Poles per panel of eigenvector components: a 32-pole panel of a 315-wide block is 80 kB. */
    private static final int PANEL = 32;
    private static final BLAS BLAS_INSTANCE = BLAS.getInstance();

    private RankOneUpdate() {}

    /**
     * @param d the n poles, in any order (destroyed)
     * @param z the update vector (destroyed)
     * @param y n×c, row-major: row j holds the c vectors' components along unit vector j
     * @return the n eigenvalues, in no particular order, and the c vectors' amplitudes on the matching eigenvectors
     *     (column-major n×c)
     */
    static MultipletSolver.Projection solve(double[] d, double[] z, double rho, double[] y, int n, int c) {
        // a negative ρ: diag(d) + ρzzᵀ = −(diag(−d) + |ρ|zzᵀ), the same eigenvectors
        double sign = rho < 0 ? -1 : 1;
        double strength = Math.abs(rho);
        Integer[] order = new Integer[n];
        for (int j = 0; j < n; j++) {
            order[j] = j;
            d[j] *= sign;
        }
        Arrays.sort(order, (a, b) -> Double.compare(d[a], d[b]));
        double[] pole = new double[n];
        double[] weight = new double[n];
        double[] rows = new double[n * c];
        double largest = strength;
        for (int j = 0; j < n; j++) {
            pole[j] = d[order[j]];
            weight[j] = z[order[j]];
            System.arraycopy(y, order[j] * c, rows, j * c, c);
            largest = Math.max(largest, Math.abs(pole[j]));
        }
        boolean[] deflated = deflate(pole, weight, rows, n, c, strength, 8 * SecularEquation.EPS * largest);

        double[] values = new double[n];
        double[] amplitudes = new double[n * c];
        int kept = 0;
        Integer[] live = new Integer[n];
        for (int j = 0; j < n; j++) {
            if (deflated[j]) {
                values[kept] = sign * pole[j];
                for (int q = 0; q < c; q++) {
                    amplitudes[q * n + kept] = rows[j * c + q];
                }
                kept++;
            } else {
                live[j - kept] = j;
            }
        }
        int k = n - kept;
        if (k == 0) {
            return new MultipletSolver.Projection(values, amplitudes);
        }
        // a deflating rotation may have nudged a pole past its neighbour
        Arrays.sort(live, 0, k, (a, b) -> Double.compare(pole[a], pole[b]));
        double[] livePole = new double[k];
        double[] liveWeight = new double[k];
        double[] liveRows = new double[k * c];
        for (int i = 0; i < k; i++) {
            livePole[i] = pole[live[i]];
            liveWeight[i] = weight[live[i]];
            System.arraycopy(rows, live[i] * c, liveRows, i * c, c);
        }
        SecularEquation.Roots roots = SecularEquation.solve(livePole, liveWeight, strength, k);
        double[] originPole = new double[k];
        for (int i = 0; i < k; i++) {
            originPole[i] = livePole[roots.origin()[i]];
            values[kept + i] = sign * (originPole[i] + roots.offset()[i]);
        }
        double[] projected = project(livePole, liveWeight, liveRows, k, c, originPole, roots.offset());
        for (int q = 0; q < c; q++) {
            System.arraycopy(projected, q * k, amplitudes, q * n + kept, k);
        }
        return new MultipletSolver.Projection(values, amplitudes);
    }

    /**
     * Marks the poles that keep their eigenvalue (LAPACK dlaed2's two tests), rotating z and the rows of y for the
     * close pairs. Poles ascending.
     */
    private static boolean[] deflate(double[] pole, double[] weight, double[] rows, int n, int c, double strength,
            double tolerance) {
        boolean[] deflated = new boolean[n];
        int previous = -1;
        for (int j = 0; j < n; j++) {
            if (strength * Math.abs(weight[j]) <= tolerance) {
                deflated[j] = true;
                continue;
            }
            if (previous >= 0) {
                double norm = Math.hypot(weight[j], weight[previous]);
                double cosine = weight[j] / norm;
                double sine = -weight[previous] / norm;
                if (Math.abs((pole[j] - pole[previous]) * cosine * sine) <= tolerance) {
                    weight[j] = norm;
                    weight[previous] = 0;
                    for (int q = 0; q < c; q++) {
                        double a = rows[previous * c + q];
                        double b = rows[j * c + q];
                        rows[previous * c + q] = cosine * a + sine * b;
                        rows[j * c + q] = cosine * b - sine * a;
                    }
                    double kept = pole[previous] * cosine * cosine + pole[j] * sine * sine;
                    pole[j] = pole[previous] * sine * sine + pole[j] * cosine * cosine;
                    pole[previous] = kept;
                    deflated[previous] = true;
                }
            }
            previous = j;
        }
        return deflated;
    }

    /** Column-major k×c: the amplitudes v_iᵀ y, v_i = (p − λ_i)⁻¹ w normalised, p_j − λ_i = (p_j − p_o(i)) − τ_i. */
    private static double[] project(double[] pole, double[] weight, double[] rows, int k, int c, double[] originPole,
            double[] offset) {
        double[] projected = new double[k * c];
        double[] norm = new double[k];
        int width = Math.min(k, PANEL);
        double[] panel = new double[k * width];
        for (int first = 0; first < k; first += width) {
            int columns = Math.min(width, k - first);
            for (int jj = 0; jj < columns; jj++) {
                double pj = pole[first + jj];
                double wj = weight[first + jj];
                int column = jj * k;
                for (int i = 0; i < k; i++) {
                    double v = wj / ((pj - originPole[i]) - offset[i]);
                    panel[column + i] = v;
                    norm[i] += v * v;
                }
            }
            BLAS_INSTANCE.dgemm("N", "T", k, c, columns, 1.0, panel, 0, k, rows, first * c, c, first == 0 ? 0.0 : 1.0,
                    projected, 0, k);
        }
        for (int i = 0; i < k; i++) {
            double scale = 1 / Math.sqrt(norm[i]);
            for (int q = 0; q < c; q++) {
                projected[q * k + i] *= scale;
            }
        }
        return projected;
    }
}
