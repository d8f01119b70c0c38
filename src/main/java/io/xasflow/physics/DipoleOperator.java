package io.xasflow.physics;

/**
 * The 2p → 3d electric-dipole operator T_q = Σ_{m m' σ} A^q_{m'm} d†_{m'σ} p_{mσ} for spherical components
 * q = −1, 0, +1, with A^q_{m'm} ∝ ⟨2 m'|C^1_q|1 m⟩ = c^1(2 m'; 1 m) (de Groot &amp; Kotani 2008, §4.2).
 *
 * <p>Normalised so that Σ_{q,m} (A^q_{m'm})² = 1 for every m': the isotropic intensity Σ_q Σ_f |⟨f|T_q|i⟩|² of any
 * 2p⁶3dⁿ state is then the number of 3d holes, 10 − n. Cartesian polarisations are T_z = T_0,
 * T_x = (T_{−1} − T_{+1})/√2, T_y = i(T_{−1} + T_{+1})/√2.
 */
final class DipoleOperator {
    private DipoleOperator() {}

    /** T_q for q ∈ {−1, 0, +1}. */
    static OneBodyOperator component(int q) {
        if (q < -1 || q > 1) {
            throw new IllegalArgumentException("dipole component q=" + q + ", expected one of [-1, 0, 1]");
        }
        double normalisation = 1 / Math.sqrt(rawStrengthPerDOrbital());
        double[][] o = new double[SpinOrbitals.COUNT][SpinOrbitals.COUNT];
        for (int m = -1; m <= 1; m++) {
            int mPrime = m + q;
            if (Math.abs(mPrime) > 2) {
                continue;
            }
            double amplitude = normalisation * AngularAlgebra.gaunt(1, 2, mPrime, 1, m);
            for (int twiceSz : new int[] {-1, 1}) {
                o[SpinOrbitals.dIndex(mPrime, twiceSz)][SpinOrbitals.pIndex(m, twiceSz)] = amplitude;
            }
        }
        return new OneBodyOperator(o);
    }

    /** Σ_{q,m} c^1(2 m'; 1 m)², independent of m' by the Wigner–Eckart theorem (evaluated at m' = 0). */
    private static double rawStrengthPerDOrbital() {
        double sum = 0;
        for (int m = -1; m <= 1; m++) {
            double c = AngularAlgebra.gaunt(1, 2, 0, 1, m);
            sum += c * c;
        }
        return sum;
    }
}
