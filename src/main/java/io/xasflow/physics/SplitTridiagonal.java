package io.xasflow.physics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A wide tridiagonal T split in the middle, T = diag(T₁, T₂) + β u uᵀ with β = T(m−1, m) and u = e_{m−1} + e_m (T₁ and
 * T₂ lose β from their corner diagonals; Cuppen, Numer. Math. 36, 177 (1981)), the halves solved as
 * {@link TridiagonalProjection}s (halved again while wide enough) and joined by {@link RankOneUpdate}.
 *
 * <p>Each half carries one column more than the vectors: the unit vector at the split, whose amplitudes become the
 * half's eigenvector entries there, i.e. z. Each halving takes the QL's rotations (n² of them) to half, and hands
 * {@link TridiagonalQl#solveAll} twice the chains to interleave; a join is O(n²) and vectorised
 * (docs/benchmarks.md, 2026-12-05).
 */
final class SplitTridiagonal implements TridiagonalProjection {
    private final int n;
    private final int half;
    private final int columns;
    private final double coupling;
    private final TridiagonalProjection upper;
    private final TridiagonalProjection lower;

    /** As {@link TridiagonalProjection#of}, for n ≥ 2; d, e and rows are kept. */
    SplitTridiagonal(double[] d, double[] e, int n, double[] rows, int columns, double tolerance, int splitWidth) {
        if (n < 2) {
            throw new IllegalArgumentException("a tridiagonal matrix to split needs n >= 2, got " + n);
        }
        this.n = n;
        this.half = n / 2;
        this.columns = columns;
        this.coupling = e[half - 1];
        double[] upperDiagonal = Arrays.copyOfRange(d, 0, half);
        double[] lowerDiagonal = Arrays.copyOfRange(d, half, n);
        upperDiagonal[half - 1] -= coupling;
        lowerDiagonal[0] -= coupling;
        double[] upperOff = Arrays.copyOfRange(e, 0, half);
        upperOff[half - 1] = 0;
        upper = TridiagonalProjection.of(upperDiagonal, upperOff, half,
                withSplitColumn(rows, 0, half, columns, half - 1), columns + 1, tolerance, splitWidth);
        lower = TridiagonalProjection.of(lowerDiagonal, Arrays.copyOfRange(e, half, n), n - half,
                withSplitColumn(rows, half, n - half, columns, 0), columns + 1, tolerance, splitWidth);
    }

    @Override
    public List<TridiagonalQl> problems() {
        List<TridiagonalQl> problems = new ArrayList<>(upper.problems());
        problems.addAll(lower.problems());
        return problems;
    }

    @Override
    public MultipletSolver.Projection projection() {
        MultipletSolver.Projection top = upper.projection();
        MultipletSolver.Projection bottom = lower.projection();
        double[] poles = new double[n];
        double[] z = new double[n];
        double[] y = new double[n * columns];
        for (int i = 0; i < n; i++) {
            boolean inUpper = i < half;
            MultipletSolver.Projection part = inUpper ? top : bottom;
            int size = inUpper ? half : n - half;
            int row = inUpper ? i : i - half;
            poles[i] = part.values()[row];
            z[i] = part.amplitudes()[columns * size + row];
            for (int k = 0; k < columns; k++) {
                y[i * columns + k] = part.amplitudes()[k * size + row];
            }
        }
        return RankOneUpdate.solve(poles, z, coupling, y, n, columns);
    }

    /** Rows [first, first + count) of a row-major block of vectors, and a column more: the unit vector at row unit. */
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
