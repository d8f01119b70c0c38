package io.xasflow.dataset;

import io.xasflow.physics.SpectrumParameters;
import java.util.Arrays;
import java.util.Locale;

/**
 * A box in the nine-parameter space (order of {@link SpectrumParameters#NAMES}) from which datasets are sampled.
 * The paper's ranges (DESIGN.md §1), the product's extended domain (Dq in [−0.2, 0.2]) and the two high-symmetry
 * test sets: Oh (Ds = Dt = 0, Dq in [0, 0.2]) and C4v (Ds = Dt = 0, Dq in [−0.2, 0]). {@code beyond} is a wider box
 * around the extended domain (≈ 97 % of its points lie outside the trained ranges in at least one parameter): the
 * out-of-domain set on which the confidence flags are tested. {@code cold} is a training slice inside the extended
 * domain: Ds = Dt = 0, |Dq| ≤ 0.01 eV, T ≤ 150 K, the near-spherical cold corner where the ground multiplet's
 * crystal-field splittings are comparable to k_BT and uniform samples of the other domains are too sparse
 * (docs/training.md, "Thermal inputs"). {@code oh-steep} is a training slice of the Oh box whose Dq sits where the
 * spectrum changes fastest along Dq ({@link SteepestFieldSampler}): the spin crossovers and the cold corner;
 * {@code extended-steep} does the same in the extended box along Dq, Ds or Dt: the level crossings of D4h where the
 * moved line meets one, else the fastest smooth change. {@code oh-edges} is a training slice of the Oh box drawn from
 * the arcsine density on every range, which puts 29 % of each parameter's samples within 5 % of the range from a
 * bound (uniform: 10 %): the networks' worst Oh spectra sit with several parameters at once near a bound.
 * {@code oh-steep-edges} combines the two: the arcsine draws of {@code oh-edges}, then Dq moved onto the steepest
 * change as in {@code oh-steep} (a spin crossover with S1, temperature or widths at a bound).
 */
public enum ParameterDomain {
    PAPER(0, 0.2, -1.4, 1.4, -0.8, 0.8),
    EXTENDED(-0.2, 0.2, -1.4, 1.4, -0.8, 0.8),
    OH(0, 0.2, 0, 0, 0, 0),
    OH_STEEP(0, 0.2, 0, 0, 0, 0),
    OH_EDGES(0, 0.2, 0, 0, 0, 0),
    OH_STEEP_EDGES(0, 0.2, 0, 0, 0, 0),
    EXTENDED_STEEP(-0.2, 0.2, -1.4, 1.4, -0.8, 0.8),
    C4V(-0.2, 0, 0, 0, 0, 0),
    BEYOND(new double[] {-0.35, -2.0, -1.2, 0.4, 0.4, 1, 0.03, 0.2, 0.2},
            new double[] {0.35, 2.0, 1.2, 1.0, 1.0, 1500, 0.30, 1.4, 1.6}),
    COLD(new double[] {-0.01, 0, 0, 0.6, 0.6, 1, 0.05, 0.3, 0.3},
            new double[] {0.01, 0, 0, 1.0, 1.0, 150, 0.20, 1.0, 1.2});

    private final double[] min = new double[9];
    private final double[] max = new double[9];

    ParameterDomain(double dqMin, double dqMax, double dsMin, double dsMax, double dtMin, double dtMax) {
        double[] lo = {dqMin, dsMin, dtMin};
        double[] hi = {dqMax, dsMax, dtMax};
        System.arraycopy(lo, 0, min, 0, 3);
        System.arraycopy(hi, 0, max, 0, 3);
        System.arraycopy(Common.MIN, 0, min, 3, 6);
        System.arraycopy(Common.MAX, 0, max, 3, 6);
    }

    ParameterDomain(double[] min, double[] max) {
        System.arraycopy(min, 0, this.min, 0, 9);
        System.arraycopy(max, 0, this.max, 0, 9);
    }

    /** Ranges shared by every domain: s1, s2, temperature_k, sigma_g_ev, gamma1_ev, gamma2_ev (the paper's). */
    private static final class Common {
        static final double[] MIN = {0.6, 0.6, 1, 0.05, 0.3, 0.3};
        static final double[] MAX = {1.0, 1.0, 1000, 0.20, 1.0, 1.2};
    }

    public static ParameterDomain parse(String name) {
        for (ParameterDomain domain : values()) {
            if (domain.key().equals(name)) {
                return domain;
            }
        }
        throw new IllegalArgumentException("unknown domain '" + name + "', expected one of "
                + Arrays.stream(values()).map(ParameterDomain::key).toList());
    }

    /** Lower-case key as used on the command line and in metadata. */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Whether the crystal field is placed at the spectrum's steepest change instead of uniformly. */
    public boolean atSteepestField() {
        return steepScanIntervals() > 0;
    }

    /**
     * Intervals of the coarse scan along the moved axis before the halving: 1 in Oh (the crossover dominates Dq's
     * 0.2 eV), 16 in the extended box, where Ds spans 2.8 eV of mostly smooth change around its level crossings;
     * 0 for the uniform domains.
     */
    int steepScanIntervals() {
        return switch (this) {
            case OH_STEEP, OH_STEEP_EDGES -> 1;
            case EXTENDED_STEEP -> 16;
            default -> 0;
        };
    }

    /** Whether the unit draws go through the arcsine map u -> sin²(πu/2), which crowds them at both bounds. */
    public boolean atEdges() {
        return this == OH_EDGES || this == OH_STEEP_EDGES;
    }

    /** How sample i is drawn, for the shards' metadata. */
    String samplingNote() {
        String drawn = "uniform; sample i from SplittableRandom(seed*0x9E3779B97F4A7C15 + i)";
        if (atEdges()) {
            drawn += ", each unit draw u mapped to sin²(πu/2) (arcsine density) before scaling to the box";
        }
        return atSteepestField() ? drawn + ", then Dq, Ds or Dt (of those with a range; sample i moves axis i mod"
                + " their count) moved to the largest change between " + steepScanIntervals() + " equal intervals, then by"
                + " halvings of that interval down to " + SteepestFieldSampler.RESOLUTION_EV + " eV towards the larger"
                + " spectral change, placed in the last interval by its " + (atEdges() ? "mapped" : "uniform") + " draw"
                : drawn;
    }

    public double[] min() {
        return min.clone();
    }

    public double[] max() {
        return max.clone();
    }

    /** Maps a point u of the unit cube onto the box. */
    public double[] scale(double[] unit) {
        double[] p = new double[9];
        for (int d = 0; d < 9; d++) {
            p[d] = min[d] + unit[d] * (max[d] - min[d]);
        }
        return p;
    }
}
