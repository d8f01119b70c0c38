package io.xasflow.dataset;

import java.util.SplittableRandom;

/**
 * Uniform samples of a {@link ParameterDomain} (arcsine-distributed on each range where the domain asks for its edges),
 * where sample i depends only on (seed, i): any split of the index range over shards and threads yields the same
 * dataset.
 */
public final class ParameterSampler implements SampleSource {
    private final ParameterDomain domain;
    private final long seed;

    public ParameterSampler(ParameterDomain domain, long seed) {
        this.domain = domain;
        this.seed = seed;
    }

    @Override
    public double[] sample(long index) {
        // SplittableRandom's constructor mixes its seed (SplitMix64), so neighbouring indices give independent streams.
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
        double[] unit = new double[9];
        for (int d = 0; d < 9; d++) {
            unit[d] = random.nextDouble();
            if (domain.atEdges()) {
                double s = Math.sin(0.5 * Math.PI * unit[d]);
                unit[d] = s * s;
            }
        }
        return domain.scale(unit);
    }
}
