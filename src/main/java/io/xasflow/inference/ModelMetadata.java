package io.xasflow.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;

/**
 * What an ONNX model says about itself in {@code metadata_props} (DESIGN.md §3): the ion, the domain it was trained
 * on (per parameter, DESIGN order), its energy axis and its measured test metrics.
 */
public record ModelMetadata(String ion, String architecture, String trainedDomain, double[] domainMin,
                            double[] domainMax, double energyStartEv, double energyStepEv, int channels,
                            String contractVersion, JsonNode metrics, JsonNode uncertainty) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static ModelMetadata parse(String source, Map<String, String> props) {
        try {
            JsonNode axis = JSON.readTree(require(source, props, "energy_axis"));
            return new ModelMetadata(require(source, props, "ion"), require(source, props, "architecture"),
                    props.getOrDefault("trained_domain", ""),
                    JSON.readValue(require(source, props, "domain_min"), double[].class),
                    JSON.readValue(require(source, props, "domain_max"), double[].class),
                    axis.path("start_ev").asDouble(), axis.path("step_ev").asDouble(), axis.path("channels").asInt(),
                    require(source, props, "contract_version"), JSON.readTree(props.getOrDefault("metrics", "{}")),
                    JSON.readTree(props.getOrDefault("uncertainty", "{}")));
        } catch (java.io.IOException e) {
            throw new ModelIntegrityException(source + ": unreadable metadata: " + e.getMessage(), e);
        }
    }

    private static String require(String source, Map<String, String> props, String key) {
        String value = props.get(key);
        if (value == null) {
            throw new ModelIntegrityException(source + ": metadata_props lacks '" + key + "' (ONNX model contract)");
        }
        return value;
    }

    /** Whether a parameter row lies inside the trained box. */
    public boolean inDomain(float[] params, int offset) {
        for (int d = 0; d < domainMin.length; d++) {
            float v = params[offset + d];
            if (v < domainMin[d] - 1e-6 || v > domainMax[d] + 1e-6) {
                return false;
            }
        }
        return true;
    }
}
