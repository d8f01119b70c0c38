package io.xasflow.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xasflow.physics.SpectrumEngine;
import io.xasflow.physics.SpectrumParameters;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SteepestFieldSamplerTest {
    private static final double WINDOW_EV = SteepestFieldSampler.RESOLUTION_EV;

    private static SteepestFieldSampler sampler(String ion, ParameterDomain domain) {
        return new SteepestFieldSampler(ion, domain, new ParameterSampler(domain, 3));
    }

    /** How much the spectrum changes over one final interval centred on dq. */
    private static double change(String ion, double[] p, double dq) {
        double[] lo = p.clone();
        double[] hi = p.clone();
        lo[0] = dq - WINDOW_EV / 2;
        hi[0] = dq + WINDOW_EV / 2;
        return SteepestFieldSampler.distance(SpectrumEngine.compute(ion, SpectrumParameters.of(lo)).normalised(),
                SpectrumEngine.compute(ion, SpectrumParameters.of(hi)).normalised());
    }

    /** Fe2+ (d6) turns from high to low spin inside the Oh box at low S1: the sample must sit on that step. */
    @Test
    void landsOnTheSpinCrossoverOfFe2() {
        double[] p = {0.05, 0, 0, 0.7, 0.8, 20, 0.1, 0.4, 0.4};
        double dq = sampler("Fe2+", ParameterDomain.OH_STEEP).steepest(p, 0, 0.5);
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
            double[] placed = sampler("Co3+", ParameterDomain.OH_STEEP).sample(i);
            assertArrayEquals(Arrays.copyOfRange(drawn, 1, 9), Arrays.copyOfRange(placed, 1, 9));
            assertTrue(placed[0] >= 0 && placed[0] <= 0.2, "Dq=" + placed[0]);
            assertEquals(placed[0], sampler("Co3+", ParameterDomain.OH_STEEP).sample(i)[0]);
        }
    }

    @Test
    void halvesEachRangeDownToTheResolution() {
        assertEquals(7, SteepestFieldSampler.halvings(0.2));
        assertEquals(8, SteepestFieldSampler.halvings(0.4));
        assertEquals(11, SteepestFieldSampler.halvings(2.8));
        assertEquals(10, SteepestFieldSampler.halvings(1.6));
    }

    /** In D4h the sample moves Dq, Ds and Dt in turn and keeps everything else as drawn. */
    @Test
    void movesOneCrystalFieldAxisPerSampleInTurn() {
        ParameterDomain domain = ParameterDomain.EXTENDED_STEEP;
        ParameterSampler uniform = new ParameterSampler(domain, 3);
        for (long i = 0; i < 3; i++) {
            double[] drawn = uniform.sample(i);
            double[] placed = sampler("Ti2+", domain).sample(i);
            int axis = (int) i;
            for (int d = 0; d < 9; d++) {
                if (d != axis) {
                    assertEquals(drawn[d], placed[d], "sample " + i + " moved parameter " + d);
                }
            }
            assertTrue(placed[axis] >= domain.min()[axis] && placed[axis] <= domain.max()[axis],
                    "axis " + axis + " at " + placed[axis]);
        }
    }

    /**
     * Along Ds at Dq = 0.12, Dt = 0.1 eV, 20 K, Fe2+'s ground state changes near Ds = −1.275 eV (a 10 meV step there
     * changes the spectrum 660 times more than the median step), while the upper half of the axis changes more in
     * all: the coarse scan must keep the halving from following the smooth change.
     */
    @Test
    void landsOnALevelCrossingAlongDs() {
        double[] p = {0.12, 0, 0.1, 0.75, 0.8, 20, 0.1, 0.4, 0.4};
        SteepestFieldSampler sampler = sampler("Fe2+", ParameterDomain.EXTENDED_STEEP);
        double ds = sampler.steepest(p, 1, 0.5);
        double atSample = changeAlong("Fe2+", p, 1, ds);
        double[] grid = new double[21];
        for (int k = 0; k < grid.length; k++) {
            grid[k] = changeAlong("Fe2+", p, 1, -1.4 + WINDOW_EV + k * (2.8 - 2 * WINDOW_EV) / (grid.length - 1));
        }
        Arrays.sort(grid);
        assertTrue(atSample >= grid[grid.length - 1],
                "steepest " + atSample + " at Ds=" + ds + " below a grid window's " + grid[grid.length - 1]);
        assertTrue(atSample > 20 * grid[grid.length / 2],
                "no step at Ds=" + ds + ": " + atSample + " against a median of " + grid[grid.length / 2]);
    }

    private static double changeAlong(String ion, double[] p, int axis, double at) {
        double[] lo = p.clone();
        double[] hi = p.clone();
        lo[axis] = at - WINDOW_EV / 2;
        hi[axis] = at + WINDOW_EV / 2;
        return SteepestFieldSampler.distance(SpectrumEngine.compute(ion, SpectrumParameters.of(lo)).normalised(),
                SpectrumEngine.compute(ion, SpectrumParameters.of(hi)).normalised());
    }
}
