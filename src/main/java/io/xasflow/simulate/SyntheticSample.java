package io.xasflow.simulate;

import io.xasflow.avro.PixelParameters;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A synthetic sample for a simulated scan: grains of different ions (Voronoi cells around random seeds) with
 * crystal-field and width parameters that vary smoothly across the field of view, inside the paper's domain.
 */
public final class SyntheticSample {
    private final String scanId;
    private final int width;
    private final int height;
    private final List<String> ions;
    private final double[][] grainCentres;
    private final String[] grainIons;
    private final long startMs;

    public SyntheticSample(String scanId, int width, int height, List<String> ions, long seed, long startMs) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("scan size " + width + "×" + height + " must be positive");
        }
        if (ions.isEmpty()) {
            throw new IllegalArgumentException("a sample needs at least one ion");
        }
        this.scanId = scanId;
        this.width = width;
        this.height = height;
        this.ions = List.copyOf(ions);
        this.startMs = startMs;
        SplittableRandom random = new SplittableRandom(seed);
        int grains = Math.max(ions.size(), 6);
        grainCentres = new double[grains][2];
        grainIons = new String[grains];
        for (int g = 0; g < grains; g++) {
            grainCentres[g][0] = random.nextDouble() * width;
            grainCentres[g][1] = random.nextDouble() * height;
            grainIons[g] = this.ions.get(g % this.ions.size());
        }
    }

    public int pixels() {
        return width * height;
    }

    /** The pixel at (x, y); pixels are acquired row by row, 1 ms apart. */
    public PixelParameters pixel(int x, int y) {
        double u = (x + 0.5) / width;
        double v = (y + 0.5) / height;
        return PixelParameters.newBuilder().setScanId(scanId).setX(x).setY(y).setWidth(width).setHeight(height)
                .setIon(grainIons[nearestGrain(x, y)])
                .setDq(0.1 + 0.08 * Math.sin(2 * Math.PI * u) * Math.cos(Math.PI * v))
                .setDs(0.6 * (v - 0.5))
                .setDt(0.3 * (u - 0.5) * Math.sin(Math.PI * v))
                .setS1(0.8 + 0.15 * (u - 0.5))
                .setS2(0.75 + 0.2 * (v - 0.5))
                .setTemperatureK(300 + 200 * u * v)
                .setSigmaGEv(0.1 + 0.05 * u)
                .setGamma1Ev(0.4 + 0.2 * v)
                .setGamma2Ev(0.8 + 0.2 * u)
                .setAcquiredAt(Instant.ofEpochMilli(startMs + (long) y * width + x))
                .build();
    }

    private int nearestGrain(int x, int y) {
        int best = 0;
        double bestDistance = Double.MAX_VALUE;
        for (int g = 0; g < grainCentres.length; g++) {
            double dx = grainCentres[g][0] - x;
            double dy = grainCentres[g][1] - y;
            double d = dx * dx + dy * dy;
            if (d < bestDistance) {
                bestDistance = d;
                best = g;
            }
        }
        return best;
    }

    public String scanId() {
        return scanId;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }
}
