package io.xasflow.physics;

/**
 * The D4h crystal field on the 3d shell, one operator per unit Dq, Ds and Dt, from Ballhausen's orbital energies
 * (<i>Introduction to Ligand Field Theory</i>, 1962, p. 100):
 * a1g (z²) = 6Dq − 2Ds − 6Dt; b1g (x²−y²) = 6Dq + 2Ds − Dt; b2g (xy) = −4Dq + 2Ds − Dt; eg (xz, yz) = −4Dq − Ds + 4Dt.
 *
 * <p>In the complex basis with Condon–Shortley phases, Y₂^{±2} ∝ (x ± iy)², so |x²−y²⟩ = (|2⟩ + |−2⟩)/√2 and
 * |xy⟩ = −i(|2⟩ − |−2⟩)/√2. Hence ⟨±2|V|±2⟩ = (b1g + b2g)/2 and ⟨2|V|−2⟩ = +(b1g − b2g)/2; the opposite sign would swap
 * x²−y² and xy (caught by the Oh polarisation-isotropy test). The operator is real and spin-diagonal.
 */
final class CrystalFieldOperator {
    private CrystalFieldOperator() {}

    /** Orbital energies (a1g, b1g, b2g, eg) per unit of Dq, Ds and Dt. */
    private static final double[] PER_DQ = {6, 6, -4, -4};
    private static final double[] PER_DS = {-2, 2, 2, -1};
    private static final double[] PER_DT = {-6, -1, -1, 4};

    static OneBodyOperator dq() {
        return fromOrbitalEnergies(PER_DQ);
    }

    static OneBodyOperator ds() {
        return fromOrbitalEnergies(PER_DS);
    }

    static OneBodyOperator dt() {
        return fromOrbitalEnergies(PER_DT);
    }

    private static OneBodyOperator fromOrbitalEnergies(double[] energies) {
        double a1g = energies[0];
        double b1g = energies[1];
        double b2g = energies[2];
        double eg = energies[3];
        double[][] o = new double[SpinOrbitals.COUNT][SpinOrbitals.COUNT];
        for (int twiceSz : new int[] {-1, 1}) {
            int m0 = SpinOrbitals.dIndex(0, twiceSz);
            int mPlus1 = SpinOrbitals.dIndex(1, twiceSz);
            int mMinus1 = SpinOrbitals.dIndex(-1, twiceSz);
            int mPlus2 = SpinOrbitals.dIndex(2, twiceSz);
            int mMinus2 = SpinOrbitals.dIndex(-2, twiceSz);
            o[m0][m0] = a1g;
            o[mPlus1][mPlus1] = eg;
            o[mMinus1][mMinus1] = eg;
            o[mPlus2][mPlus2] = 0.5 * (b1g + b2g);
            o[mMinus2][mMinus2] = 0.5 * (b1g + b2g);
            o[mPlus2][mMinus2] = 0.5 * (b1g - b2g);
            o[mMinus2][mPlus2] = 0.5 * (b1g - b2g);
        }
        return new OneBodyOperator(o);
    }
}
