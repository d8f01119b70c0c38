package io.xasflow.quality;

import java.util.List;

/**
 * Spectra for a batch of pixels of one ion, with one flag each.
 *
 * @param spectra       rows × channels box-normalised intensities, row-major
 * @param modelId       model file and sha256 prefix that produced the spectra
 * @param modelVersion  physics-contract version the model was trained under
 * @param provider      execution provider that ran the model (cpu, cuda)
 */
public record ScoredBatch(float[] spectra, int channels, double energyStartEv, double energyStepEv, String modelId,
                          String modelVersion, String provider, List<PixelFlag> flags) {}
