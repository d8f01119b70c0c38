package io.xasflow.dataset;

import io.xasflow.physics.SpectrumEngine;
import io.xasflow.physics.SpectrumParameters;

/**
 * Samples whose Dq sits where the spectrum changes fastest along Dq, the other eight parameters uniform. Where the
 * ground state changes character (the high-spin/low-spin crossover of d4–d7 ions in Oh, the near-spherical cold
 * corner) the spectrum jumps within a few meV of Dq, a sliver that uniform samples barely touch and where the networks
 * missed most (docs/training.md, "Steep slice"). Halving the Dq range towards the half whose ends differ more finds
 * the step without knowing the physics; the sample is placed inside the last interval by its own uniform Dq draw, so
 * it stays a pure function of (seed, index).
 */
final class SteepestDqSampler implements SampleSource {
    /** 0.2 eV / 2^7 ≈ 1.6 meV: below the width of a thermally smoothed crossover at 10 K. */
    static final int HALVINGS = 7;

    private final String ion;
    private final double dqMin;
    private final double dqMax;
    private final ParameterSampler uniform;

    SteepestDqSampler(String ion, ParameterDomain domain, ParameterSampler uniform) {
        this.ion = ion;
        this.dqMin = domain.min()[0];
        this.dqMax = domain.max()[0];
        this.uniform = uniform;
    }

    @Override
    public double[] sample(long index) {
        double[] p = uniform.sample(index);
        p[0] = steepestDq(p, (p[0] - dqMin) / (dqMax - dqMin));
        return p;
    }

    /** The Dq at {@code position} ∈ [0, 1] inside the final interval of the halving, the other parameters as in p. */
    double steepestDq(double[] p, double position) {
        double lo = dqMin;
        double hi = dqMax;
        double[] atLo = spectrum(p, lo);
        double[] atHi = spectrum(p, hi);
        for (int h = 0; h < HALVINGS; h++) {
            double mid = 0.5 * (lo + hi);
            double[] atMid = spectrum(p, mid);
            if (distance(atLo, atMid) >= distance(atMid, atHi)) {
                hi = mid;
                atHi = atMid;
            } else {
                lo = mid;
                atLo = atMid;
            }
        }
        return lo + position * (hi - lo);
    }

    private double[] spectrum(double[] p, double dq) {
        double[] q = p.clone();
        q[0] = dq;
        return SpectrumEngine.compute(ion, SpectrumParameters.of(q)).normalised();
    }

    static double distance(double[] a, double[] b) {
        double sum = 0;
        for (int c = 0; c < a.length; c++) {
            double d = a[c] - b[c];
            sum += d * d;
        }
        return sum;
    }
}
