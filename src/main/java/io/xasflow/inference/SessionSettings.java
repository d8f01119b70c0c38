package io.xasflow.inference;

/**
 * How ONNX Runtime sessions are opened and run: the execution provider, intra-op threads, slice threads (CPU: the
 * 256-row slices of one large batch run side by side, each single-threaded inside ONNX Runtime), and for CUDA the
 * device and an upper bound on the memory arena (0 = ONNX Runtime's default, no limit) so that several processes can
 * share a GPU.
 */
public record SessionSettings(ExecutionProvider provider, int intraOpThreads, int sliceThreads, int cudaDevice,
                              long cudaMemoryLimitBytes) {
    public SessionSettings {
        if (intraOpThreads <= 0) {
            throw new IllegalArgumentException("intra-op threads=" + intraOpThreads + " must be > 0");
        }
        if (sliceThreads <= 0) {
            throw new IllegalArgumentException("slice threads=" + sliceThreads + " must be > 0");
        }
        if (cudaDevice < 0) {
            throw new IllegalArgumentException("cuda device=" + cudaDevice + " must be >= 0");
        }
        if (cudaMemoryLimitBytes < 0) {
            throw new IllegalArgumentException("cuda memory limit=" + cudaMemoryLimitBytes + " bytes must be >= 0");
        }
    }

    /** One slice at a time, device 0, no memory limit. */
    public static SessionSettings of(ExecutionProvider provider, int intraOpThreads) {
        return new SessionSettings(provider, intraOpThreads, 1, 0, 0L);
    }

    /** The same settings on the CPU (the fallback of {@link ExecutionProvider#AUTO}). */
    SessionSettings onCpu() {
        return new SessionSettings(ExecutionProvider.CPU, intraOpThreads, sliceThreads, cudaDevice, cudaMemoryLimitBytes);
    }
}
