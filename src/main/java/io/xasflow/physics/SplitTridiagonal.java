package io.xasflow.physics;

import java.util.Arrays;
import java.util.List;

/**
 * A wide tridiagonal T split in the middle, T = diag(T₁, T₂) + β u uᵀ with β = T(m−1, m) and u = e_{m−1} + e_m (T₁ and
 * T₂ lose β from their corner diagonals; Cuppen, Numer. Math. 36, 177 (1981)), the halves solved by the QL and joined
 * by {@link RankOneUpdate}.
 *
 * <p>Each half's QL carries one column more than the vectors: the unit vector at the split, whose amplitudes become
 * the half's eigenvector entries there, i.e. z. The halves take half the rotations of T's own QL (n²/4 twice), and a
 * block gives two chains to {@link TridiagonalQl#solveAll} instead of one; the join is O(n²) and vectorised. On the
 * 315-wide blocks of the 1260-state ions this took the tridiagonal stage from 1.53 to 1.21 ms per block
 * (docs/benchmarks.md, 2026-12-05).
 */
final class SplitTridiagonal {
    private final int n;
    private final int half;
    private final int columns;
    private final double coupling;
    private final double[] upperValues;
    private final double[] lowerValues;
    private final double[] upperRows;
    private final double[] lowerRows;
    private final List<TridiagonalQl> halves;

    /**
     * @param d T's diagonal (length n, kept)
     * @param e T's off-diagonal, T(i, i+1) = e[i] (kept)
     * @param rows the vectors in T's basis, n×columns row-major (kept)
     * @param tolerance the QL's splitting threshold ({@link TridiagonalQl})
     */
    SplitTridiagonal(double[] d, double[] e, int n, double[] rows, int columns, double tolerance) {
        if (n < 2) {
            throw new IllegalArgumentException("a tridiagonal matrix to split needs n >= 2, got " + n);
        }
        this.n = n;
        this.half = n / 2;
        this.columns = columns;
        this.coupling = e[half - 1];
        upperValues = Arrays.copyOfRange(d, 0, half);
        lowerValues = Arrays.copyOfRange(d, half, n);
        upperValues[half - 1] -= coupling;
        lowerValues[0] -= coupling;
        int carried = columns + 1;
        upperRows = withSplitColumn(rows, 0, half, columns, half - 1);
        lowerRows = withSplitColumn(rows, half, n - half, columns, 0);
        halves = List.of(
                new TridiagonalQl(upperValues, Arrays.copyOfRange(e, 0, half), half, upperRows, carried, tolerance),
                new TridiagonalQl(lowerValues, Arrays.copyOfRange(e, half, n), n - half, lowerRows, carried,
                        tolerance));
    }

    /** The two QL problems, to be solved (with others) by {@link TridiagonalQl#solveAll} before {@link #projection}. */
    List<TridiagonalQl> halves() {
        return halves;
    }

    /** T's eigenvalues, in no particular order, and the vectors' amplitudes on its eigenvectors (column-major). */
    MultipletSolver.Projection projection() {
        int carried = columns + 1;
        double[] poles = new double[n];
        double[] z = new double[n];
        double[] y = new double[n * columns];
        for (int i = 0; i < n; i++) {
            boolean upper = i < half;
            double[] rows = upper ? upperRows : lowerRows;
            int row = upper ? i : i - half;
            poles[i] = upper ? upperValues[row] : lowerValues[i - half];
            z[i] = rows[row * carried + columns];
            System.arraycopy(rows, row * carried, y, i * columns, columns);
        }
        return RankOneUpdate.solve(poles, z, coupling, y, n, columns);
    }

    /** Rows [first, first + count) of an n×columns row-major block, with one more column: the unit vector at {@code unit}. */
    private static double[] withSplitColumn(double[] rows, int first, int count, int columns, int unit) {
        int carried = columns + 1;
        double[] out = new double[count * carried];
        for (int i = 0; i < count; i++) {
            System.arraycopy(rows, (first + i) * columns, out, i * carried, columns);
        }
        out[unit * carried + columns] = 1;
        return out;
    }
}
