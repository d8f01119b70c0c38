package io.xasflow.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code models-onnx/manifest.json}: one entry per model with its file, sha256 and headline metrics, written by
 * {@code training/export_onnx.py}. The registry trusts a model file only when its sha256 matches the entry.
 */
public record ModelManifest(Path directory, List<Entry> entries) {

    /**
     * @param ion           ion key the model serves
     * @param file          ONNX file name inside the models directory
     * @param sha256        hex digest the file must have
     * @param architecture  e.g. "voigt-mlp", "slcnn"
     * @param trainedDomain dataset domain key, e.g. "extended"
     * @param parity        relative path of the PyTorch reference outputs used by the parity test
     * @param metrics       test metrics as exported (JSON)
     */
    public record Entry(String ion, String file, String sha256, String architecture, String trainedDomain,
                        String parity, JsonNode metrics) {}

    public static final String FILE_NAME = "manifest.json";

    public static ModelManifest load(Path directory) throws IOException {
        Path file = directory.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no " + FILE_NAME + " in model directory " + directory.toAbsolutePath());
        }
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        JsonNode models = root.path("models");
        if (!models.isArray()) {
            throw new ModelIntegrityException(file + ": expected an object with a 'models' array");
        }
        List<Entry> entries = new ArrayList<>();
        for (JsonNode m : models) {
            entries.add(new Entry(required(file, m, "ion"), required(file, m, "file"), required(file, m, "sha256"),
                    m.path("architecture").asText(""), m.path("trained_domain").asText(""),
                    m.path("parity").asText(""), m.path("metrics")));
        }
        return new ModelManifest(directory, List.copyOf(entries));
    }

    private static String required(Path file, JsonNode model, String field) {
        JsonNode value = model.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new ModelIntegrityException(file + ": model entry " + model + " lacks '" + field + "'");
        }
        return value.asText();
    }

    public List<String> ions() {
        return entries.stream().map(Entry::ion).toList();
    }
}
