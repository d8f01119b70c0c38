package io.xasflow.physics;

/**
 * Wigner 3j symbols and the Condon–Shortley Gaunt coefficients c^k used by every operator of the engine.
 *
 * <p>c^k(l m; l' m') = (−1)^m √((2l+1)(2l'+1)) (l k l'; 0 0 0) (l k l'; −m m−m' m'), Cowan, <i>The Theory of
 * Atomic Structure and Spectra</i> (1981), eq. (11.23); it equals ⟨l m|C^k_{m−m'}|l' m'⟩ with C^k the
 * renormalised spherical harmonic. Arguments are small integers, so the Racah formula with exact factorials is
 * accurate to rounding.
 */
final class AngularAlgebra {
    private static final double[] FACTORIAL = new double[32];

    static {
        FACTORIAL[0] = 1;
        for (int i = 1; i < FACTORIAL.length; i++) {
            FACTORIAL[i] = FACTORIAL[i - 1] * i;
        }
    }

    private AngularAlgebra() {}

    /** Wigner 3j symbol (j1 j2 j3; m1 m2 m3) for integer arguments (Racah formula, Edmonds eq. 3.7.3). */
    static double threeJ(int j1, int j2, int j3, int m1, int m2, int m3) {
        if (m1 + m2 + m3 != 0 || Math.abs(m1) > j1 || Math.abs(m2) > j2 || Math.abs(m3) > j3) {
            return 0;
        }
        if (j3 < Math.abs(j1 - j2) || j3 > j1 + j2) {
            return 0;
        }
        double triangle = FACTORIAL[j1 + j2 - j3] * FACTORIAL[j1 - j2 + j3] * FACTORIAL[-j1 + j2 + j3]
                / FACTORIAL[j1 + j2 + j3 + 1];
        double prefactor = Math.sqrt(triangle * FACTORIAL[j1 + m1] * FACTORIAL[j1 - m1] * FACTORIAL[j2 + m2]
                * FACTORIAL[j2 - m2] * FACTORIAL[j3 + m3] * FACTORIAL[j3 - m3]);
        int tMin = Math.max(0, Math.max(j2 - j3 - m1, j1 - j3 + m2));
        int tMax = Math.min(j1 + j2 - j3, Math.min(j1 - m1, j2 + m2));
        double sum = 0;
        for (int t = tMin; t <= tMax; t++) {
            double denominator = FACTORIAL[t] * FACTORIAL[j3 - j2 + t + m1] * FACTORIAL[j3 - j1 + t - m2]
                    * FACTORIAL[j1 + j2 - j3 - t] * FACTORIAL[j1 - t - m1] * FACTORIAL[j2 - t + m2];
            sum += ((t & 1) == 0 ? 1 : -1) / denominator;
        }
        int phase = j1 - j2 - m3;
        return ((phase & 1) == 0 ? 1 : -1) * prefactor * sum;
    }

    /** Gaunt coefficient c^k(l m; l' m'), zero unless |l − l'| ≤ k ≤ l + l' and l + k + l' is even. */
    static double gaunt(int k, int l, int m, int lPrime, int mPrime) {
        double phase = (m & 1) == 0 ? 1 : -1;
        return phase * Math.sqrt((2.0 * l + 1) * (2.0 * lPrime + 1))
                * threeJ(l, k, lPrime, 0, 0, 0)
                * threeJ(l, k, lPrime, -m, m - mPrime, mPrime);
    }
}
