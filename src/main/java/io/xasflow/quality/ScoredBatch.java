package io.xasflow.quality;

import java.util.List;
import java.util.Map;

/**
 * Spectra for a batch of pixels of one ion, with one flag and one origin each.
 *
 * @param spectra       rows × channels box-normalised intensities, row-major
 * @param modelId       model file and sha256 prefix that produced the network's spectra ({@link ExactEngine#MODEL_ID}
 *                      for rows whose origin is the engine)
 * @param modelVersion  physics-contract version the model was trained under
 * @param provider      execution provider that ran the model (cpu, cuda); "engine" for engine rows
 * @param origins       per row: the network's spectrum, or the exact engine's (hybrid and exact serving)
 * @param engineNanos   wall time spent in the exact engine for this batch (the latency hybrid serving adds)
 * @param checks        by row: the engine's spectrum the scorer computed to check a network spectrum it published
 *                      (pixels outside the trained box), so that an audit of the pixel need not compute it again
 */
public record ScoredBatch(float[] spectra, int channels, double energyStartEv, double energyStepEv, String modelId,
                          String modelVersion, String provider, List<PixelFlag> flags, List<SpectrumOrigin> origins,
                          long engineNanos, Map<Integer, Check> checks) {
    public static final String ENGINE_PROVIDER = "engine";

    /**
     * An exact spectrum computed while scoring.
     *
     * @param engineMs the engine's wall time for the batch's checks, per checked pixel
     */
    public record Check(float[] exactSpectrum, double engineMs) {}

    public ScoredBatch {
        if (flags.size() != origins.size() || spectra.length != flags.size() * channels) {
            throw new IllegalArgumentException(flags.size() + " flags, " + origins.size() + " origins and "
                    + spectra.length + " values for " + channels + " channels do not describe one batch");
        }
        flags = List.copyOf(flags);
        origins = List.copyOf(origins);
        checks = Map.copyOf(checks);
    }

    public int rows() {
        return flags.size();
    }

    public String modelId(int row) {
        return origins.get(row) == SpectrumOrigin.ENGINE ? ExactEngine.MODEL_ID : modelId;
    }

    public String provider(int row) {
        return origins.get(row) == SpectrumOrigin.ENGINE ? ENGINE_PROVIDER : provider;
    }

    /** Rows whose spectrum came from the engine. */
    public long engineRows() {
        return origins.stream().filter(o -> o == SpectrumOrigin.ENGINE).count();
    }
}
