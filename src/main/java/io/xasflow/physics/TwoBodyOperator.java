package io.xasflow.physics;

import java.util.ArrayList;
import java.util.List;

/**
 * V = ½ Σ_abcd ⟨ab|g|cd⟩ c†_a c†_b c_d c_c, stored in the antisymmetrised form
 * V = Σ_{a<b, c<d} (⟨ab|g|cd⟩ − ⟨ab|g|dc⟩) c†_a c†_b c_d c_c (Szabo &amp; Ostlund, §2.3.4).
 */
final class TwoBodyOperator implements FermionOperator {

    /** Two-electron integral ⟨ab|g|cd⟩ over spin-orbitals (physicists' notation). */
    @FunctionalInterface
    interface TwoElectronIntegral {
        double value(int a, int b, int c, int d);
    }

    private static final double NEGLIGIBLE = 1e-14;
    private static final int PAIRS = SpinOrbitals.COUNT * SpinOrbitals.COUNT;

    /** For each annihilated pair c·16 + d (c < d): created pairs a·16 + b (a < b) and their amplitudes. */
    private final int[][] createdPairs = new int[PAIRS][];
    private final double[][] amplitudes = new double[PAIRS][];

    TwoBodyOperator(TwoElectronIntegral integral) {
        int n = SpinOrbitals.COUNT;
        for (int c = 0; c < n; c++) {
            for (int d = c + 1; d < n; d++) {
                List<double[]> terms = new ArrayList<>();
                for (int a = 0; a < n; a++) {
                    for (int b = a + 1; b < n; b++) {
                        double v = integral.value(a, b, c, d) - integral.value(a, b, d, c);
                        if (Math.abs(v) > NEGLIGIBLE) {
                            terms.add(new double[] {a * n + b, v});
                        }
                    }
                }
                int pair = c * n + d;
                createdPairs[pair] = new int[terms.size()];
                amplitudes[pair] = new double[terms.size()];
                for (int t = 0; t < terms.size(); t++) {
                    createdPairs[pair][t] = (int) terms.get(t)[0];
                    amplitudes[pair][t] = terms.get(t)[1];
                }
            }
        }
    }

    @Override
    public void apply(int determinant, TermSink sink) {
        int n = SpinOrbitals.COUNT;
        for (int outer = determinant; outer != 0; outer &= outer - 1) {
            int c = Integer.numberOfTrailingZeros(outer);
            int withoutC = determinant ^ (1 << c);
            int signC = SpinOrbitals.sign(determinant, c);
            for (int inner = outer & (outer - 1); inner != 0; inner &= inner - 1) {
                int d = Integer.numberOfTrailingZeros(inner);
                int withoutCd = withoutC ^ (1 << d);
                int signCd = signC * SpinOrbitals.sign(withoutC, d);
                int pair = c * n + d;
                int[] created = createdPairs[pair];
                double[] values = amplitudes[pair];
                for (int t = 0; t < created.length; t++) {
                    int a = created[t] / n;
                    int b = created[t] % n;
                    if ((withoutCd & ((1 << a) | (1 << b))) != 0) {
                        continue;
                    }
                    int withB = withoutCd | (1 << b);
                    int sign = signCd * SpinOrbitals.sign(withoutCd, b) * SpinOrbitals.sign(withB, a);
                    sink.add(withB | (1 << a), sign * values[t]);
                }
            }
        }
    }
}
