package io.xasflow.dataset;

/** Where sample i of a dataset comes from: a pure function of (seed, i), so shards and threads may split the work. */
interface SampleSource {
    double[] sample(long index);

    static SampleSource of(String ion, ParameterDomain domain, long seed) {
        ParameterSampler uniform = new ParameterSampler(domain, seed);
        return domain.atSteepestField() ? new SteepestFieldSampler(ion, domain, uniform) : uniform;
    }
}
