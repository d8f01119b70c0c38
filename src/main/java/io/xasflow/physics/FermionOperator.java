package io.xasflow.physics;

/**
 * A particle-number-conserving operator on Slater determinants of the 16 spin-orbitals ({@link SpinOrbitals}).
 * Implementations emit, for one determinant |D⟩, the terms of O|D⟩ as (determinant, amplitude) pairs; the same
 * determinant may be emitted several times and the amplitudes add.
 */
interface FermionOperator {

    /** Receives one term of O|D⟩. */
    @FunctionalInterface
    interface TermSink {
        void add(int determinant, double amplitude);
    }

    void apply(int determinant, TermSink sink);
}
