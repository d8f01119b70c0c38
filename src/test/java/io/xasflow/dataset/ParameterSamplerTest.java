package io.xasflow.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ParameterSamplerTest {
    private static final int SAMPLES = 4000;

    /** Sample i of oh-edges is sample i of oh with each unit draw u moved to sin²(πu/2): same seed, same stream. */
    @Test
    void edgesMapTheUniformDrawsThroughTheArcsine() {
        ParameterDomain edges = ParameterDomain.OH_EDGES;
        double[] min = edges.min();
        double[] max = edges.max();
        for (long i = 0; i < 50; i++) {
            double[] uniform = new ParameterSampler(ParameterDomain.OH, 5).sample(i);
            double[] crowded = new ParameterSampler(edges, 5).sample(i);
            for (int d = 0; d < 9; d++) {
                double u = max[d] > min[d] ? (uniform[d] - min[d]) / (max[d] - min[d]) : 0;
                double s = Math.sin(0.5 * Math.PI * u);
                assertEquals(min[d] + s * s * (max[d] - min[d]), crowded[d], 1e-12, "sample " + i + " parameter " + d);
            }
        }
    }

    /** Within 5 % of the range from a bound: 10 % of uniform samples, (4/π)·asin(√0.05) = 28.7 % of arcsine ones. */
    @Test
    void edgesCrowdEveryRangeAtItsBounds() {
        double[] nearUniform = nearBoundShares(ParameterDomain.OH);
        double[] nearEdges = nearBoundShares(ParameterDomain.OH_EDGES);
        for (int d : new int[] {0, 3, 4, 5, 6, 7, 8}) {
            assertTrue(Math.abs(nearUniform[d] - 0.10) < 0.02, "uniform parameter " + d + ": " + nearUniform[d]);
            assertTrue(Math.abs(nearEdges[d] - 0.287) < 0.03, "oh-edges parameter " + d + ": " + nearEdges[d]);
        }
    }

    private static double[] nearBoundShares(ParameterDomain domain) {
        double[] min = domain.min();
        double[] max = domain.max();
        double[] share = new double[9];
        ParameterSampler sampler = new ParameterSampler(domain, 9);
        for (long i = 0; i < SAMPLES; i++) {
            double[] p = sampler.sample(i);
            for (int d = 0; d < 9; d++) {
                double margin = 0.05 * (max[d] - min[d]);
                if (p[d] - min[d] <= margin || max[d] - p[d] <= margin) {
                    share[d] += 1.0 / SAMPLES;
                }
            }
        }
        return share;
    }
}
