package io.xasflow.physics;

import java.util.List;

/**
 * The eigenvalues of a symmetric tridiagonal T and the amplitudes of a few vectors on its eigenvectors, in two stages:
 * the QL problems it hands out, which {@link TridiagonalQl#solveAll} solves together with other blocks' so that their
 * chains of rotations interleave, then the projection. T is halved while it is at least a given width
 * ({@link SplitTridiagonal}); a narrower T, or half, is one QL problem ({@link Whole}).
 */
interface TridiagonalProjection {

    /** The QL problems to solve before {@link #projection}. */
    List<TridiagonalQl> problems();

    /** T's eigenvalues, in no particular order, and the vectors' amplitudes on its eigenvectors (column-major). */
    MultipletSolver.Projection projection();

    /**
     * @param d T's diagonal (length n; overwritten)
     * @param e T's off-diagonal, T(i, i+1) = e[i] (length n; overwritten)
     * @param rows the vectors in T's basis, n×columns row-major (overwritten)
     * @param tolerance the QL's splitting threshold ({@link TridiagonalQl})
     * @param splitWidth T, and each part, is halved while at least this wide
     */
    static TridiagonalProjection of(double[] d, double[] e, int n, double[] rows, int columns, double tolerance,
            int splitWidth) {
        if (n >= Math.max(2, splitWidth)) {
            return new SplitTridiagonal(d, e, n, rows, columns, tolerance, splitWidth);
        }
        return new Whole(new TridiagonalQl(d, e, n, rows, columns, tolerance), n, columns, d, rows);
    }

    /** T as one QL problem: its eigenvalues land in {@code values}, the amplitudes in {@code rows} (row-major). */
    record Whole(TridiagonalQl problem, int n, int columns, double[] values, double[] rows)
            implements TridiagonalProjection {

        @Override
        public List<TridiagonalQl> problems() {
            return List.of(problem);
        }

        @Override
        public MultipletSolver.Projection projection() {
            double[] amplitudes = new double[n * columns];
            for (int k = 0; k < columns; k++) {
                for (int i = 0; i < n; i++) {
                    amplitudes[k * n + i] = rows[i * columns + k];
                }
            }
            return new MultipletSolver.Projection(values, amplitudes);
        }
    }
}
