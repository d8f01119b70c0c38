package io.xasflow.physics;

/**
 * The electron–electron Coulomb interaction, one operator per Slater integral (unit radial integral), so that a
 * Hamiltonian is Σ_k F^k·(dd F^k term) + … with the ion's scaled integrals as coefficients.
 *
 * <p>⟨ab|g|cd⟩ = δ(σ_a,σ_c) δ(σ_b,σ_d) δ(m_a+m_b, m_c+m_d) Σ_k R^k(ab,cd) c^k(l_a m_a; l_c m_c) c^k(l_d m_d; l_b m_b),
 * Cowan (1981) eq. (12.19) and de Groot &amp; Kotani, <i>Core Level Spectroscopy of Solids</i> (2008) §3.2; R^k is
 * F^k when a,c and b,d share a shell (direct) and G^k when a,d and b,c do (exchange).
 */
final class CoulombOperator {
    private CoulombOperator() {}

    /** 3d–3d interaction per unit F^k_dd (k = 0, 2, 4). */
    static TwoBodyOperator dd(int k) {
        return build(k, Kind.DD_DIRECT);
    }

    /** 2p–3d direct interaction per unit F^k_pd (k = 0, 2). */
    static TwoBodyOperator pdDirect(int k) {
        return build(k, Kind.PD_DIRECT);
    }

    /** 2p–3d exchange interaction per unit G^k_pd (k = 1, 3). */
    static TwoBodyOperator pdExchange(int k) {
        return build(k, Kind.PD_EXCHANGE);
    }

    private enum Kind { DD_DIRECT, PD_DIRECT, PD_EXCHANGE }

    private static TwoBodyOperator build(int k, Kind kind) {
        return new TwoBodyOperator((a, b, c, d) -> {
            if (!selects(kind, a, b, c, d)) {
                return 0;
            }
            if (SpinOrbitals.twiceSz(a) != SpinOrbitals.twiceSz(c) || SpinOrbitals.twiceSz(b) != SpinOrbitals.twiceSz(d)) {
                return 0;
            }
            if (SpinOrbitals.m(a) + SpinOrbitals.m(b) != SpinOrbitals.m(c) + SpinOrbitals.m(d)) {
                return 0;
            }
            return AngularAlgebra.gaunt(k, SpinOrbitals.l(a), SpinOrbitals.m(a), SpinOrbitals.l(c), SpinOrbitals.m(c))
                    * AngularAlgebra.gaunt(k, SpinOrbitals.l(d), SpinOrbitals.m(d), SpinOrbitals.l(b), SpinOrbitals.m(b));
        });
    }

    private static boolean selects(Kind kind, int a, int b, int c, int d) {
        boolean da = SpinOrbitals.isD(a);
        boolean db = SpinOrbitals.isD(b);
        boolean dc = SpinOrbitals.isD(c);
        boolean dd = SpinOrbitals.isD(d);
        return switch (kind) {
            case DD_DIRECT -> da && db && dc && dd;
            case PD_DIRECT -> da == dc && db == dd && da != db;
            case PD_EXCHANGE -> da == dd && db == dc && da != db;
        };
    }
}
