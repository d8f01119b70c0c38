package io.xasflow.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xasflow.physics.SpectrumEngine;
import io.xasflow.physics.SpectrumParameters;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SteepestDqSamplerTest {
    private static final double WINDOW_EV = 0.2 / (1 << SteepestDqSampler.HALVINGS);

    private static SteepestDqSampler sampler(String ion) {
        return new SteepestDqSampler(ion, ParameterDomain.OH_STEEP, new ParameterSampler(ParameterDomain.OH_STEEP, 3));
    }

    /** How much the spectrum changes over one final interval centred on dq. */
    private static double change(String ion, double[] p, double dq) {
        double[] lo = p.clone();
        double[] hi = p.clone();
        lo[0] = dq - WINDOW_EV / 2;
        hi[0] = dq + WINDOW_EV / 2;
        return SteepestDqSampler.distance(SpectrumEngine.compute(ion, SpectrumParameters.of(lo)).normalised(),
                SpectrumEngine.compute(ion, SpectrumParameters.of(hi)).normalised());
    }

    /** Fe2+ (d6) turns from high to low spin inside the Oh box at low S1: the sample must sit on that step. */
    @Test
    void landsOnTheSpinCrossoverOfFe2() {
        double[] p = {0.05, 0, 0, 0.7, 0.8, 20, 0.1, 0.4, 0.4};
        double dq = sampler("Fe2+").steepestDq(p, 0.5);
        double atSample = change("Fe2+", p, dq);
        double[] grid = new double[21];
        for (int k = 0; k < grid.length; k++) {
            grid[k] = change("Fe2+", p, WINDOW_EV + k * (0.2 - 2 * WINDOW_EV) / (grid.length - 1));
        }
        Arrays.sort(grid);
        assertTrue(atSample >= grid[grid.length - 1],
                "steepest " + atSample + " at Dq=" + dq + " below a grid window's " + grid[grid.length - 1]);
        assertTrue(atSample > 20 * grid[grid.length / 2],
                "no step at Dq=" + dq + ": " + atSample + " against a median of " + grid[grid.length / 2]);
    }

    @Test
    void keepsTheOtherParametersAndStaysInsideTheBox() {
        ParameterSampler uniform = new ParameterSampler(ParameterDomain.OH_STEEP, 3);
        for (long i = 0; i < 4; i++) {
            double[] drawn = uniform.sample(i);
            double[] placed = sampler("Co3+").sample(i);
            assertArrayEquals(Arrays.copyOfRange(drawn, 1, 9), Arrays.copyOfRange(placed, 1, 9));
            assertTrue(placed[0] >= 0 && placed[0] <= 0.2, "Dq=" + placed[0]);
            assertEquals(placed[0], sampler("Co3+").sample(i)[0]);
        }
    }
}
