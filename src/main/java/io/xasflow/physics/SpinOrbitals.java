package io.xasflow.physics;

/**
 * The 16 spin-orbitals of the 2p–3d problem in the complex-harmonic basis |l m σ⟩ (Condon–Shortley phases).
 *
 * <p>Ordering: 3d first, index = 2(m + 2) + s for m = −2…2; then 2p, index = 10 + 2(m + 1) + s for m = −1…1;
 * s = 0 is spin down, s = 1 spin up. A Slater determinant is the bit set of its occupied indices, and creation or
 * annihilation at index i carries the fermionic sign (−1)^(number of occupied indices below i).
 */
final class SpinOrbitals {
    static final int COUNT = 16;
    static final int D_OFFSET = 0;
    static final int D_COUNT = 10;
    static final int P_OFFSET = 10;
    static final int P_COUNT = 6;
    static final int D_MASK = (1 << D_COUNT) - 1;
    static final int P_MASK = ((1 << P_COUNT) - 1) << P_OFFSET;

    private static final int[] L = new int[COUNT];
    private static final int[] M = new int[COUNT];
    private static final int[] TWICE_SZ = new int[COUNT];

    static {
        for (int i = 0; i < COUNT; i++) {
            boolean isD = i < P_OFFSET;
            int local = isD ? i : i - P_OFFSET;
            L[i] = isD ? 2 : 1;
            M[i] = local / 2 - L[i];
            TWICE_SZ[i] = (local % 2 == 0) ? -1 : 1;
        }
    }

    private SpinOrbitals() {}

    static int l(int index) {
        return L[index];
    }

    static int m(int index) {
        return M[index];
    }

    /** 2·s_z ∈ {−1, +1}. */
    static int twiceSz(int index) {
        return TWICE_SZ[index];
    }

    static boolean isD(int index) {
        return index < P_OFFSET;
    }

    static int dIndex(int m, int twiceSz) {
        return D_OFFSET + 2 * (m + 2) + (twiceSz > 0 ? 1 : 0);
    }

    static int pIndex(int m, int twiceSz) {
        return P_OFFSET + 2 * (m + 1) + (twiceSz > 0 ? 1 : 0);
    }

    /** 2·J_z of a determinant: Σ (2 m_l + 2 s_z) over occupied spin-orbitals. */
    static int twiceJz(int determinant) {
        int sum = 0;
        for (int bits = determinant; bits != 0; bits &= bits - 1) {
            int i = Integer.numberOfTrailingZeros(bits);
            sum += 2 * M[i] + TWICE_SZ[i];
        }
        return sum;
    }

    /** (−1)^(number of occupied spin-orbitals below {@code index}): the sign of c or c† at that index. */
    static int sign(int determinant, int index) {
        return (Integer.bitCount(determinant & ((1 << index) - 1)) & 1) == 0 ? 1 : -1;
    }
}
