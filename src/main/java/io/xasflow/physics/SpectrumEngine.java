package io.xasflow.physics;

/**
 * The exact multiplet engine's entry point: ion key + the nine parameters → broadened, normalised spectrum.
 * Thread-safe: each thread gets its own solver workspace; the per-configuration operator matrices are shared.
 */
public final class SpectrumEngine {
    /** Version of the physics contract (DESIGN.md §1) this engine implements; travels in dataset metadata. */
    public static final String CONTRACT_VERSION = "1";
    /** Engine implementation version; bump when numbers may change. */
    public static final String ENGINE_VERSION = "1.1.0";

    private static final ThreadLocal<MultipletSolver> SOLVERS = ThreadLocal.withInitial(MultipletSolver::new);

    private SpectrumEngine() {}

    public static XasSpectrum compute(String ionKey, SpectrumParameters parameters) {
        IonParameters ion = AtomicDataTable.ion(ionKey);
        StickSpectrum sticks = SOLVERS.get().sticks(ion, parameters);
        EnergyAxis axis = EnergyAxis.forEdge(ion.edgeL3Ev());
        double[] intensity = Broadening.broaden(sticks, axis, parameters.widths(), lifetimeStepEv(ion));
        return XasSpectrum.of(ion.ion(), axis, intensity, sticks.totalWeight());
    }

    /** The energy axis of an ion's spectra (501 channels from E_L3 − 5 eV). */
    public static EnergyAxis axis(String ionKey) {
        return EnergyAxis.forEdge(AtomicDataTable.ion(ionKey).edgeL3Ev());
    }

    /** E_L3 + 0.75·ζ2p: where the lifetime width steps from Γ1 to Γ2. */
    public static double lifetimeStepEv(IonParameters ion) {
        return ion.edgeL3Ev() + 0.75 * ion.zeta2pEv();
    }
}
