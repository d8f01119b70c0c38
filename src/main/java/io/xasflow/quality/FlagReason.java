package io.xasflow.quality;

/** Why a pixel's confidence is reduced (DESIGN.md §4, topic xas.flags). */
public enum FlagReason {
    /** A parameter lies outside the box the model was trained on (from its ONNX metadata). */
    OUT_OF_DOMAIN,
    /** The network's output is not a box-normalised spectrum (NaN, negative, max ≠ 1). */
    UNPHYSICAL,
    /** The model's own uncertainty estimate is high. */
    HIGH_UNCERTAINTY,
    /** The exact engine, recomputing the pixel, disagrees with the network. */
    AUDIT_MISMATCH
}
