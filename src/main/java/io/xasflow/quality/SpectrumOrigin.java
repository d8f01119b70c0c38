package io.xasflow.quality;

/** Which computation produced a published spectrum. */
public enum SpectrumOrigin {
    /** The ion's ONNX network. */
    NETWORK,
    /** The exact multiplet engine. */
    ENGINE
}
