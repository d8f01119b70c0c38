package io.xasflow.inference;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The models of a {@code models-onnx/} directory, one per ion, opened on first use after their sha256 is checked
 * against {@code manifest.json}.
 */
public final class ModelRegistry implements AutoCloseable {
    private final ModelManifest manifest;
    private final SessionSettings settings;
    private final Map<String, SpectrumModel> open = new ConcurrentHashMap<>();

    private ModelRegistry(ModelManifest manifest, SessionSettings settings) {
        this.manifest = manifest;
        this.settings = settings;
    }

    public static ModelRegistry open(Path directory, ExecutionProvider provider, int intraOpThreads) throws IOException {
        return open(directory, SessionSettings.of(provider, intraOpThreads));
    }

    public static ModelRegistry open(Path directory, SessionSettings settings) throws IOException {
        return new ModelRegistry(ModelManifest.load(directory), settings);
    }

    /** Ion keys that have a model, in manifest order. */
    public List<String> ions() {
        return manifest.ions();
    }

    public boolean hasModel(String ion) {
        return manifest.entries().stream().anyMatch(e -> e.ion().equals(ion));
    }

    public ModelManifest manifest() {
        return manifest;
    }

    /** The ion's model, loaded and verified on first use. */
    public SpectrumModel model(String ion) {
        return open.computeIfAbsent(ion, key -> {
            ModelManifest.Entry entry = manifest.entries().stream().filter(e -> e.ion().equals(key)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no model for ion '" + key + "'; models present: "
                            + manifest.ions()));
            try {
                SpectrumModel model = SpectrumModel.open(manifest.directory().resolve(entry.file()), entry.sha256(), settings);
                if (!model.metadata().ion().equals(key)) {
                    model.close();
                    throw new ModelIntegrityException(entry.file() + " says it is for ion '" + model.metadata().ion()
                            + "' but the manifest lists it for '" + key + "'");
                }
                return model;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read model " + entry.file(), e);
            }
        });
    }

    @Override
    public void close() {
        open.values().forEach(SpectrumModel::close);
        open.clear();
    }
}
