package io.xasflow.physics;

/**
 * Hartree–Fock atomic parameters of one ion (eV), unscaled, from {@code hf_parameters.csv} (sources per value in
 * {@code hf_parameters_provenance.csv}: edrixs atom_data and Crispy/Quanty tables).
 *
 * @param ion          ion key, e.g. "Fe3+"
 * @param dElectrons   n of the initial 2p⁶3dⁿ configuration
 * @param edgeL3Ev     E_L3: the energy of the bare 2p3/2 line
 */
public record IonParameters(
        String ion,
        String element,
        int dElectrons,
        double f2ddInitialEv,
        double f4ddInitialEv,
        double zeta3dInitialEv,
        double f2ddFinalEv,
        double f4ddFinalEv,
        double f2pdEv,
        double g1pdEv,
        double g3pdEv,
        double zeta3dFinalEv,
        double zeta2pEv,
        double edgeL3Ev) {

    public IonParameters {
        if (dElectrons < 1 || dElectrons > 9) {
            throw new IllegalArgumentException("ion " + ion + ": n3d=" + dElectrons + " outside 1..9");
        }
    }
}
