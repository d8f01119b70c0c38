package io.xasflow.physics;

import java.util.Arrays;

/**
 * The Slater determinants of one configuration 2p^{nP} 3d^{nD}, sorted by their bit pattern, with an O(1) lookup
 * from determinant to index.
 */
final class FockBasis {
    private final int pElectrons;
    private final int dElectrons;
    private final int[] determinants;
    private final int[] indexOf = new int[1 << SpinOrbitals.COUNT];

    FockBasis(int pElectrons, int dElectrons) {
        if (pElectrons < 0 || pElectrons > SpinOrbitals.P_COUNT || dElectrons < 0 || dElectrons > SpinOrbitals.D_COUNT) {
            throw new IllegalArgumentException(
                    "configuration 2p^" + pElectrons + " 3d^" + dElectrons + " is outside 2p^0..6 3d^0..10");
        }
        this.pElectrons = pElectrons;
        this.dElectrons = dElectrons;
        Arrays.fill(indexOf, -1);
        int count = 0;
        int[] found = new int[1 << SpinOrbitals.COUNT];
        for (int det = 0; det < (1 << SpinOrbitals.COUNT); det++) {
            if (Integer.bitCount(det & SpinOrbitals.P_MASK) == pElectrons
                    && Integer.bitCount(det & SpinOrbitals.D_MASK) == dElectrons) {
                indexOf[det] = count;
                found[count++] = det;
            }
        }
        this.determinants = Arrays.copyOf(found, count);
    }

    int pElectrons() {
        return pElectrons;
    }

    int dElectrons() {
        return dElectrons;
    }

    int electrons() {
        return pElectrons + dElectrons;
    }

    int size() {
        return determinants.length;
    }

    int determinant(int index) {
        return determinants[index];
    }

    /** Index of a determinant, or −1 when it does not belong to this configuration. */
    int indexOf(int determinant) {
        return indexOf[determinant];
    }
}
