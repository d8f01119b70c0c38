package io.xasflow.physics;

/**
 * Σ_i l_i·s_i within one shell, per unit ζ: l·s = l_z s_z + ½(l₊s₋ + l₋s₊), in the |l m σ⟩ basis
 * (Cowan 1981, eq. 10.6). Real in this basis.
 */
final class SpinOrbitOperator {
    private SpinOrbitOperator() {}

    /** ζ3d term per unit ζ3d. */
    static OneBodyOperator d() {
        return forShell(2);
    }

    /** ζ2p term per unit ζ2p. */
    static OneBodyOperator p() {
        return forShell(1);
    }

    private static OneBodyOperator forShell(int l) {
        double[][] o = new double[SpinOrbitals.COUNT][SpinOrbitals.COUNT];
        for (int m = -l; m <= l; m++) {
            for (int twiceSz : new int[] {-1, 1}) {
                int i = index(l, m, twiceSz);
                o[i][i] = 0.5 * m * twiceSz;
            }
            if (m < l) {
                // ⟨m+1, ↓| ½ l₊s₋ |m, ↑⟩ and its transpose
                double raise = 0.5 * Math.sqrt(l * (l + 1) - m * (m + 1));
                int from = index(l, m, 1);
                int to = index(l, m + 1, -1);
                o[to][from] = raise;
                o[from][to] = raise;
            }
        }
        return new OneBodyOperator(o);
    }

    private static int index(int l, int m, int twiceSz) {
        return l == 2 ? SpinOrbitals.dIndex(m, twiceSz) : SpinOrbitals.pIndex(m, twiceSz);
    }
}
