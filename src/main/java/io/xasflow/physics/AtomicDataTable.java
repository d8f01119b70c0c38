package io.xasflow.physics;

import io.xasflow.io.Csv;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The 22 ions of the physics contract, read once from the bundled {@code hf_parameters.csv}. */
public final class AtomicDataTable {
    private static final String RESOURCE = "hf_parameters.csv";
    private static final Map<String, IonParameters> IONS = load();

    private AtomicDataTable() {}

    /** Ion keys in table order (Ti2+ … Ni4+). */
    public static List<String> ionKeys() {
        return List.copyOf(IONS.keySet());
    }

    public static IonParameters ion(String key) {
        IonParameters ion = IONS.get(key);
        if (ion == null) {
            throw new IllegalArgumentException("unknown ion '" + key + "', expected one of " + IONS.keySet());
        }
        return ion;
    }

    private static Map<String, IonParameters> load() {
        try (InputStream in = AtomicDataTable.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " missing from the build");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<String> header = Csv.split(reader.readLine());
            Map<String, IonParameters> ions = new LinkedHashMap<>();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                List<String> fields = Csv.split(line);
                Row row = new Row(header, fields);
                IonParameters ion = new IonParameters(
                        row.text("ion"), row.text("element"), (int) row.number("n3d"),
                        row.number("F2dd_i_eV"), row.number("F4dd_i_eV"), row.number("zeta3d_i_eV"),
                        row.number("F2dd_f_eV"), row.number("F4dd_f_eV"), row.number("F2pd_f_eV"),
                        row.number("G1pd_f_eV"), row.number("G3pd_f_eV"), row.number("zeta3d_f_eV"),
                        row.number("zeta2p_f_eV"), row.number("E_L3_eV"));
                ions.put(ion.ion(), ion);
            }
            return Collections.unmodifiableMap(ions);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    private record Row(List<String> header, List<String> fields) {
        String text(String column) {
            int index = header.indexOf(column);
            if (index < 0 || index >= fields.size()) {
                throw new IllegalStateException(RESOURCE + ": column '" + column + "' missing");
            }
            return fields.get(index).trim();
        }

        double number(String column) {
            return Double.parseDouble(text(column));
        }
    }
}
