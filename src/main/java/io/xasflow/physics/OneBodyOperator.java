package io.xasflow.physics;

/**
 * O = Σ_ab o_ab c†_a c_b over the 16 spin-orbitals, with a real matrix o (all operators of the engine are real in
 * the complex-harmonic basis for a D4h crystal field, see {@link CrystalFieldOperator}).
 */
final class OneBodyOperator implements FermionOperator {
    private final double[][] matrix;
    /** For each source orbital b: the targets a with o_ab ≠ 0 and their amplitudes. */
    private final int[][] targets;
    private final double[][] amplitudes;

    OneBodyOperator(double[][] matrix) {
        if (matrix.length != SpinOrbitals.COUNT) {
            throw new IllegalArgumentException("one-body matrix must be 16×16, got " + matrix.length + " rows");
        }
        this.matrix = new double[SpinOrbitals.COUNT][];
        this.targets = new int[SpinOrbitals.COUNT][];
        this.amplitudes = new double[SpinOrbitals.COUNT][];
        for (int a = 0; a < SpinOrbitals.COUNT; a++) {
            this.matrix[a] = matrix[a].clone();
        }
        for (int b = 0; b < SpinOrbitals.COUNT; b++) {
            int count = 0;
            for (int a = 0; a < SpinOrbitals.COUNT; a++) {
                if (matrix[a][b] != 0) {
                    count++;
                }
            }
            targets[b] = new int[count];
            amplitudes[b] = new double[count];
            int next = 0;
            for (int a = 0; a < SpinOrbitals.COUNT; a++) {
                if (matrix[a][b] != 0) {
                    targets[b][next] = a;
                    amplitudes[b][next++] = matrix[a][b];
                }
            }
        }
    }

    double element(int a, int b) {
        return matrix[a][b];
    }

    @Override
    public void apply(int determinant, TermSink sink) {
        for (int bits = determinant; bits != 0; bits &= bits - 1) {
            int b = Integer.numberOfTrailingZeros(bits);
            int[] to = targets[b];
            for (int t = 0; t < to.length; t++) {
                int a = to[t];
                if (a == b) {
                    sink.add(determinant, amplitudes[b][t]);
                } else if ((determinant & (1 << a)) == 0) {
                    int removed = determinant ^ (1 << b);
                    int sign = SpinOrbitals.sign(determinant, b) * SpinOrbitals.sign(removed, a);
                    sink.add(removed | (1 << a), sign * amplitudes[b][t]);
                }
            }
        }
    }
}
