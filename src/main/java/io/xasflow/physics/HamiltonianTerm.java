package io.xasflow.physics;

import java.util.List;
import java.util.function.Supplier;

/**
 * The terms of the model Hamiltonian, each an operator per unit parameter; a Hamiltonian is Σ_t coefficient_t · term_t
 * (the edrixs way of building it term by term). The coefficients come from {@link HamiltonianCoefficients}.
 */
enum HamiltonianTerm {
    F0_DD(() -> CoulombOperator.dd(0)),
    F2_DD(() -> CoulombOperator.dd(2)),
    F4_DD(() -> CoulombOperator.dd(4)),
    F0_PD(() -> CoulombOperator.pdDirect(0)),
    F2_PD(() -> CoulombOperator.pdDirect(2)),
    G1_PD(() -> CoulombOperator.pdExchange(1)),
    G3_PD(() -> CoulombOperator.pdExchange(3)),
    ZETA_3D(SpinOrbitOperator::d),
    ZETA_2P(SpinOrbitOperator::p),
    DQ(CrystalFieldOperator::dq),
    DS(CrystalFieldOperator::ds),
    DT(CrystalFieldOperator::dt);

    /** H_i = H_dd + ζ3d Σ l·s + H_CF: the full 2p shell of 2p⁶3dⁿ only adds a constant, so it has no p terms. */
    static final List<HamiltonianTerm> INITIAL = List.of(F0_DD, F2_DD, F4_DD, ZETA_3D, DQ, DS, DT);
    /** H_f = H_dd + H_pd + ζ3d Σ l·s(3d) + ζ2p Σ l·s(2p) + H_CF. */
    static final List<HamiltonianTerm> FINAL = List.of(values());

    private final Supplier<FermionOperator> factory;

    HamiltonianTerm(Supplier<FermionOperator> factory) {
        this.factory = factory;
    }

    FermionOperator operator() {
        return factory.get();
    }
}
