package io.xasflow.physics;

/** Shared parameter sets and helpers for the physics tests. */
final class PhysicsFixtures {
    private PhysicsFixtures() {}

    static final SpectrumParameters D4H_ROOM_TEMPERATURE = SpectrumParameters.of(0.12, 0.1, 0.04, 0.8, 0.85, 300, 0.1, 0.4, 0.8);
    static final SpectrumParameters OH_ROOM_TEMPERATURE = SpectrumParameters.of(0.15, 0, 0, 0.8, 0.8, 300, 0.1, 0.4, 0.8);

    /** The ion's atomic data with chosen numbers replaced (free ion tests switch terms off). */
    static IonParameters withAtomicData(IonParameters ion, double scaleCoulomb, double zeta3d) {
        return new IonParameters(ion.ion(), ion.element(), ion.dElectrons(),
                scaleCoulomb * ion.f2ddInitialEv(), scaleCoulomb * ion.f4ddInitialEv(), zeta3d,
                scaleCoulomb * ion.f2ddFinalEv(), scaleCoulomb * ion.f4ddFinalEv(), scaleCoulomb * ion.f2pdEv(),
                scaleCoulomb * ion.g1pdEv(), scaleCoulomb * ion.g3pdEv(), zeta3d, ion.zeta2pEv(), ion.edgeL3Ev());
    }

    static double[] normalise(double[] intensity) {
        return XasSpectrum.of("test", EnergyAxis.forEdge(0), intensity, 0).normalised();
    }

    static double maxAbsDifference(double[] a, double[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    static double[] broaden(IonParameters ion, StickSpectrum sticks, SpectrumParameters p) {
        return Broadening.broaden(sticks, EnergyAxis.forEdge(ion.edgeL3Ev()), p.widths(), SpectrumEngine.lifetimeStepEv(ion));
    }
}
