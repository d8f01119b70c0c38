package io.xasflow.physics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Splits a configuration's determinants into symmetry sectors of the D4h double group, so that every Hamiltonian of
 * the engine is block diagonal and only the distinct blocks are diagonalised.
 *
 * <ul>
 *   <li>The crystal field couples m = ±2 only, so J_z is conserved modulo 4: blocks are keyed by 2J_z mod 8.</li>
 *   <li>The rotation R = C₂(y) = exp(−iπJ_y) commutes with every term and maps J_z → −J_z. Blocks k ≠ −k are
 *       partners (Kramers pairs for odd electron numbers): the partner's basis is R applied to the representative's,
 *       so both share one Hamiltonian matrix and one eigensystem.</li>
 *   <li>A block with k ≡ −k (J_z ≡ 0 or 2 mod 4, even electron numbers) is mapped onto itself; there R² = +1 and
 *       the block splits into R = +1 and R = −1 sectors, each spanned by (|D⟩ ± s|RD⟩)/√2.</li>
 * </ul>
 * Single-particle action: R|l m σ⟩ = (−1)^(l−m) (−1)^(1/2−σ) |l −m −σ⟩ (Sakurai, <i>Modern Quantum Mechanics</i>,
 * eq. 3.8.33 with d^j_{−m,m}(π) = (−1)^(j−m)).
 */
final class SymmetrySectors {

    /**
     * One orthonormal sector basis: vector j is coefA[j]·|detA[j]⟩ + coefB[j]·|detB[j]⟩ (detB[j] = −1 when the
     * vector is a single determinant); indices refer to the {@link FockBasis}. {@code hamiltonian} names the distinct
     * Hamiltonian block whose matrix and eigensystem this basis uses.
     */
    record SectorBasis(int blockKey, int[] detA, double[] coefA, int[] detB, double[] coefB, int hamiltonian) {
        int dimension() {
            return detA.length;
        }
    }

    private final FockBasis basis;
    private final List<SectorBasis> sectors = new ArrayList<>();
    private final List<Integer> representativeOf = new ArrayList<>();
    private final int[] multiplicities;

    SymmetrySectors(FockBasis basis) {
        this.basis = basis;
        Map<Integer, List<Integer>> blocks = new TreeMap<>();
        for (int i = 0; i < basis.size(); i++) {
            int key = Math.floorMod(SpinOrbitals.twiceJz(basis.determinant(i)), 8);
            blocks.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
        }
        List<Integer> done = new ArrayList<>();
        for (Map.Entry<Integer, List<Integer>> block : blocks.entrySet()) {
            int key = block.getKey();
            if (done.contains(key)) {
                continue;
            }
            int partner = Math.floorMod(-key, 8);
            if (partner == key) {
                splitSelfPartnerBlock(key, block.getValue());
            } else {
                addPartnerPair(key, partner, block.getValue());
                done.add(partner);
            }
            done.add(key);
        }
        multiplicities = new int[representativeOf.size()];
        for (SectorBasis sector : sectors) {
            multiplicities[sector.hamiltonian()]++;
        }
    }

    List<SectorBasis> sectors() {
        return sectors;
    }

    /** Number of distinct Hamiltonian blocks. */
    int hamiltonianCount() {
        return representativeOf.size();
    }

    /** The sector basis in which Hamiltonian block h is written. */
    SectorBasis representative(int hamiltonian) {
        return sectors.get(representativeOf.get(hamiltonian));
    }

    /** How many sector bases share Hamiltonian block h (1, or 2 for a partner pair). */
    int multiplicity(int hamiltonian) {
        return multiplicities[hamiltonian];
    }

    private void addPartnerPair(int key, int partnerKey, List<Integer> members) {
        int n = members.size();
        int[] detA = new int[n];
        double[] coefA = new double[n];
        int[] partnerDet = new int[n];
        double[] partnerCoef = new double[n];
        int[] none = new int[n];
        java.util.Arrays.fill(none, -1);
        for (int j = 0; j < n; j++) {
            detA[j] = members.get(j);
            coefA[j] = 1;
            long image = rotate(basis.determinant(detA[j]));
            partnerDet[j] = basis.indexOf(imageDeterminant(image));
            partnerCoef[j] = imageSign(image);
        }
        int h = newHamiltonian();
        sectors.add(new SectorBasis(key, detA, coefA, none, new double[n], h));
        sectors.add(new SectorBasis(partnerKey, partnerDet, partnerCoef, none.clone(), new double[n], h));
    }

    private void splitSelfPartnerBlock(int key, List<Integer> members) {
        List<double[]> plus = new ArrayList<>();
        List<double[]> minus = new ArrayList<>();
        java.util.Set<Integer> visited = new java.util.HashSet<>();
        double half = Math.sqrt(0.5);
        for (int index : members) {
            if (!visited.add(index)) {
                continue;
            }
            long image = rotate(basis.determinant(index));
            int imageIndex = basis.indexOf(imageDeterminant(image));
            int sign = imageSign(image);
            if (imageIndex == index) {
                (sign > 0 ? plus : minus).add(new double[] {index, 1, -1, 0});
                continue;
            }
            long back = rotate(basis.determinant(imageIndex));
            if (basis.indexOf(imageDeterminant(back)) != index || imageSign(back) != sign) {
                throw new IllegalStateException("R² ≠ +1 on block 2Jz≡" + key + " (mod 8): this is a bug");
            }
            visited.add(imageIndex);
            plus.add(new double[] {index, half, imageIndex, sign * half});
            minus.add(new double[] {index, half, imageIndex, -sign * half});
        }
        for (List<double[]> vectors : List.of(plus, minus)) {
            if (vectors.isEmpty()) {
                continue;
            }
            int n = vectors.size();
            int[] detA = new int[n];
            double[] coefA = new double[n];
            int[] detB = new int[n];
            double[] coefB = new double[n];
            for (int j = 0; j < n; j++) {
                double[] v = vectors.get(j);
                detA[j] = (int) v[0];
                coefA[j] = v[1];
                detB[j] = (int) v[2];
                coefB[j] = v[3];
            }
            sectors.add(new SectorBasis(key, detA, coefA, detB, coefB, newHamiltonian()));
        }
    }

    private int newHamiltonian() {
        representativeOf.add(sectors.size());
        return representativeOf.size() - 1;
    }

    /** R|D⟩ packed as (sign &lt;&lt; 32) | image determinant. */
    static long rotate(int determinant) {
        int image = 0;
        int sign = 1;
        int[] occupied = new int[Integer.bitCount(determinant)];
        int count = 0;
        for (int bits = determinant; bits != 0; bits &= bits - 1) {
            occupied[count++] = Integer.numberOfTrailingZeros(bits);
        }
        // |D⟩ = c†_{a1} … c†_{aN}|0⟩ with a1 < … < aN; R|D⟩ = Π φ(a) c†_{R a1} … c†_{R aN}|0⟩, built right to left.
        for (int j = count - 1; j >= 0; j--) {
            int a = occupied[j];
            int l = SpinOrbitals.l(a);
            int m = SpinOrbitals.m(a);
            int twiceSz = SpinOrbitals.twiceSz(a);
            int target = l == 2 ? SpinOrbitals.dIndex(-m, -twiceSz) : SpinOrbitals.pIndex(-m, -twiceSz);
            int phase = (((l - m) & 1) == 0 ? 1 : -1) * (twiceSz > 0 ? 1 : -1);
            sign *= phase * SpinOrbitals.sign(image, target);
            image |= 1 << target;
        }
        return ((long) sign << 32) | (image & 0xffffffffL);
    }

    static int imageDeterminant(long rotated) {
        return (int) rotated;
    }

    static int imageSign(long rotated) {
        return (int) (rotated >> 32);
    }
}
