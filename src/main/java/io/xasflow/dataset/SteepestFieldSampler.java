package io.xasflow.dataset;

import io.xasflow.physics.SpectrumEngine;
import io.xasflow.physics.SpectrumParameters;
import java.util.stream.IntStream;

/**
 * Samples whose crystal field sits where the spectrum changes fastest along one of Dq, Ds, Dt, the other parameters
 * uniform. Where the ground state changes character (the high-spin/low-spin crossover of d4–d7 ions in Oh, the
 * near-spherical cold corner, the level crossings of D4h) the spectrum jumps within a few meV, a sliver that uniform
 * samples barely touch and where the networks missed most (docs/training.md, "Steep slice"). Halving the axis's range
 * towards the half whose ends differ more finds the step without knowing the physics; the sample is placed inside the
 * last interval by its own uniform draw on that axis, so it stays a pure function of (seed, index). Over a long axis
 * the smooth change of one half can outweigh a sharp step in the other, so the halving may start from the interval
 * of a coarse scan whose ends differ most (the domain says how many intervals).
 *
 * <p>Sample i moves axis i mod k of the k crystal-field axes the domain lets vary (Dq alone in Oh). Where the moved
 * line meets no level crossing, the halving ends where the smooth change is fastest (docs/training.md, "A steep
 * slice in D4h").
 */
final class SteepestFieldSampler implements SampleSource {
    /** The last interval is at most 0.2 eV / 2^7 ≈ 1.6 meV: below the width of a thermally smoothed crossover at 10 K. */
    static final double RESOLUTION_EV = 0.2 / 128;

    private final String ion;
    private final double[] min;
    private final double[] max;
    private final int[] axes;
    private final int scanIntervals;
    private final ParameterSampler uniform;

    SteepestFieldSampler(String ion, ParameterDomain domain, ParameterSampler uniform) {
        this.ion = ion;
        this.scanIntervals = domain.steepScanIntervals();
        this.min = domain.min();
        this.max = domain.max();
        this.axes = IntStream.range(0, 3).filter(axis -> max[axis] > min[axis]).toArray();
        this.uniform = uniform;
    }

    @Override
    public double[] sample(long index) {
        double[] p = uniform.sample(index);
        int axis = axes[(int) Math.floorMod(index, (long) axes.length)];
        p[axis] = steepest(p, axis, (p[axis] - min[axis]) / (max[axis] - min[axis]));
        return p;
    }

    /** Halvings that bring a range down to {@link #RESOLUTION_EV} (7 for Oh's 0.2 eV of Dq). */
    static int halvings(double rangeEv) {
        int h = 0;
        while (rangeEv / (1L << h) > RESOLUTION_EV * (1 + 1e-12)) {
            h++;
        }
        return h;
    }

    /** The value of {@code axis} at {@code position} ∈ [0, 1] inside the final interval, the rest as in p. */
    double steepest(double[] p, int axis, double position) {
        // the coarse interval whose ends differ most holds the sharpest step (one interval: the whole range)
        double lo = min[axis];
        double hi = max[axis];
        double[] atLo = null;
        double[] atHi = null;
        double largest = -1;
        double previousX = min[axis];
        double[] previous = spectrum(p, axis, previousX);
        for (int k = 1; k <= scanIntervals; k++) {
            double x = k == scanIntervals ? max[axis] : min[axis] + k * (max[axis] - min[axis]) / scanIntervals;
            double[] current = spectrum(p, axis, x);
            double change = distance(previous, current);
            if (change > largest) {
                largest = change;
                lo = previousX;
                atLo = previous;
                hi = x;
                atHi = current;
            }
            previousX = x;
            previous = current;
        }
        for (int h = halvings(hi - lo); h > 0; h--) {
            double mid = 0.5 * (lo + hi);
            double[] atMid = spectrum(p, axis, mid);
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

    private double[] spectrum(double[] p, int axis, double value) {
        double[] q = p.clone();
        q[axis] = value;
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
