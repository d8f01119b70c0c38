package io.xasflow.inference;

/**
 * How ONNX Runtime sessions are opened: the execution provider, intra-op threads, and for CUDA the device and an
 * upper bound on the memory arena (0 = ONNX Runtime's default, no limit) so that several processes can share a GPU.
 */
public record SessionSettings(ExecutionProvider provider, int intraOpThreads, int cudaDevice, long cudaMemoryLimitBytes) {
    public SessionSettings {
        if (intraOpThreads <= 0) {
            throw new IllegalArgumentException("intra-op threads=" + intraOpThreads + " must be > 0");
        }
        if (cudaDevice < 0) {
            throw new IllegalArgumentException("cuda device=" + cudaDevice + " must be >= 0");
        }
        if (cudaMemoryLimitBytes < 0) {
            throw new IllegalArgumentException("cuda memory limit=" + cudaMemoryLimitBytes + " bytes must be >= 0");
        }
    }

    /** Device 0, no memory limit. */
    public static SessionSettings of(ExecutionProvider provider, int intraOpThreads) {
        return new SessionSettings(provider, intraOpThreads, 0, 0L);
    }
}
