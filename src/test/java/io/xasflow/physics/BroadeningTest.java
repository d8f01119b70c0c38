package io.xasflow.physics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BroadeningTest {

    /** Voigt = Gaussian ⊗ Lorentzian by direct Simpson quadrature over ±10 Gaussian standard deviations. */
    private static double voigtByQuadrature(double x, double sigmaGFwhm, double gammaFwhm) {
        double s = sigmaGFwhm / (2 * Math.sqrt(2 * Math.log(2)));
        double halfGamma = gammaFwhm / 2;
        int intervals = 200_000;
        double a = -10 * s;
        double h = 20 * s / intervals;
        double sum = 0;
        for (int i = 0; i <= intervals; i++) {
            double t = a + i * h;
            double gauss = Math.exp(-t * t / (2 * s * s)) / (s * Math.sqrt(2 * Math.PI));
            double lorentz = halfGamma / Math.PI / ((x - t) * (x - t) + halfGamma * halfGamma);
            double weight = (i == 0 || i == intervals) ? 1 : (i % 2 == 1 ? 4 : 2);
            sum += weight * gauss * lorentz;
        }
        return sum * h / 3;
    }

    @ParameterizedTest(name = "σG={0} Γ={1}")
    @CsvSource({"0.05,0.3", "0.2,1.2", "0.2,0.05", "0.1,0.4", "0.05,3.0", "0.5,0.02"})
    void voigtProfileMatchesDirectConvolutionToOnePartPerMillion(double sigmaG, double gamma) {
        for (double x : new double[] {0, 0.03, 0.1, 0.5, 2, 10, 25}) {
            double expected = voigtByQuadrature(x, sigmaG, gamma);
            double actual = Broadening.voigt(x, sigmaG, gamma);
            assertEquals(expected, actual, 1e-6 * expected, "x=" + x);
        }
    }

    @Test
    void voigtIsSymmetric() {
        assertEquals(Broadening.voigt(0.37, 0.1, 0.5), Broadening.voigt(-0.37, 0.1, 0.5), 0);
    }

    /** The binned fast path stays within 1e-5 of the per-stick definition (contract allows 1e-4). */
    @ParameterizedTest(name = "{0} at {1} K, σG={2}, Γ1={3}, Γ2={4}")
    @CsvSource({"Mn3+,1000,0.05,0.3,0.3", "Ni2+,10,0.2,1.0,1.2", "Fe3+,300,0.05,0.3,1.2", "Ti2+,600,0.12,0.5,0.7"})
    void fastBroadeningMatchesTheDefinition(String key, double temperature, double sigmaG, double gamma1, double gamma2) {
        IonParameters ion = AtomicDataTable.ion(key);
        SpectrumParameters p = SpectrumParameters.of(0.15, 0.2, -0.1, 0.8, 0.8, temperature, sigmaG, gamma1, gamma2);
        StickSpectrum sticks = new MultipletSolver().sticks(ion, p);
        EnergyAxis axis = EnergyAxis.forEdge(ion.edgeL3Ev());
        double step = SpectrumEngine.lifetimeStepEv(ion);
        double[] exact = Broadening.exact(sticks, axis, p.widths(), step);
        double[] fast = Broadening.broaden(sticks, axis, p.widths(), step);
        double max = java.util.Arrays.stream(exact).max().orElseThrow();
        double worst = PhysicsFixtures.maxAbsDifference(exact, fast) / max;
        assertTrue(worst < 1e-5, "relative deviation " + worst);
    }

    /**
     * Synthetic sticks inside the axis, in its margins and far beyond (summed exactly there), with the width step below
     * the axis (all channels Γ2), inside it and above it (all Γ1): the fast path follows the definition in each case.
     */
    @ParameterizedTest(name = "step at {0} eV")
    @CsvSource({"-30", "7.3", "60"})
    void fastBroadeningMatchesTheDefinitionWhereverTheWidthSteps(double stepEv) {
        EnergyAxis axis = new EnergyAxis(0, 0.06, 501);
        StickSpectrum sticks = new StickSpectrum();
        java.util.Random random = new java.util.Random(17);
        for (int k = 0; k < 400; k++) {
            sticks.add(-45 + 120 * random.nextDouble(), random.nextDouble(), 0);
        }
        LineWidths widths = new LineWidths(0.07, 0.35, 1.1);
        double[] exact = Broadening.exact(sticks, axis, widths, stepEv);
        double[] fast = Broadening.broaden(sticks, axis, widths, stepEv);
        double max = java.util.Arrays.stream(exact).max().orElseThrow();
        double worst = PhysicsFixtures.maxAbsDifference(exact, fast) / max;
        assertTrue(worst < 1e-5, "relative deviation " + worst);
    }

    /** Γ(ω) steps at E_L3 + 0.75 ζ2p: a single stick's profile changes width there. */
    @Test
    void lifetimeWidthStepsAtThreeQuartersOfTheSpinOrbitSplitting() {
        LineWidths widths = new LineWidths(0.1, 0.3, 1.0);
        assertEquals(0.3, Broadening.lifetimeWidth(99.999, widths, 100), 0);
        assertEquals(1.0, Broadening.lifetimeWidth(100.0, widths, 100), 0);
    }
}
