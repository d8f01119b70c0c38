package io.xasflow.physics;

import java.util.List;

/**
 * Coefficients of the {@link HamiltonianTerm}s for one ion and parameter set (physics contract §1): Slater integrals
 * scaled by s1 (F²dd, F⁴dd, F²pd) and s2 (G¹pd, G³pd), monopoles F⁰dd = 2/63·(F²dd + F⁴dd) and
 * F⁰pd = G¹pd/15 + 3·G³pd/70 after scaling, so each configuration's average Coulomb energy is zero.
 */
final class HamiltonianCoefficients {
    private HamiltonianCoefficients() {}

    static double[] initial(IonParameters ion, SpectrumParameters p) {
        double s1 = p.scaling().s1();
        double f2 = s1 * ion.f2ddInitialEv();
        double f4 = s1 * ion.f4ddInitialEv();
        return select(HamiltonianTerm.INITIAL, f2, f4, 0, 0, 0, ion.zeta3dInitialEv(), 0, p.crystalField());
    }

    static double[] finalState(IonParameters ion, SpectrumParameters p) {
        double s1 = p.scaling().s1();
        double s2 = p.scaling().s2();
        return select(HamiltonianTerm.FINAL, s1 * ion.f2ddFinalEv(), s1 * ion.f4ddFinalEv(), s1 * ion.f2pdEv(),
                s2 * ion.g1pdEv(), s2 * ion.g3pdEv(), ion.zeta3dFinalEv(), ion.zeta2pEv(), p.crystalField());
    }

    private static double[] select(List<HamiltonianTerm> terms, double f2dd, double f4dd, double f2pd, double g1pd,
            double g3pd, double zeta3d, double zeta2p, CrystalField cf) {
        double[] coefficients = new double[terms.size()];
        for (int t = 0; t < terms.size(); t++) {
            coefficients[t] = switch (terms.get(t)) {
                case F0_DD -> 2.0 / 63.0 * (f2dd + f4dd);
                case F2_DD -> f2dd;
                case F4_DD -> f4dd;
                case F0_PD -> g1pd / 15.0 + 3.0 * g3pd / 70.0;
                case F2_PD -> f2pd;
                case G1_PD -> g1pd;
                case G3_PD -> g3pd;
                case ZETA_3D -> zeta3d;
                case ZETA_2P -> zeta2p;
                case DQ -> cf.dq();
                case DS -> cf.ds();
                case DT -> cf.dt();
            };
        }
        return coefficients;
    }
}
