package io.xasflow.dataset;

import io.xasflow.io.Csv;
import io.xasflow.physics.AtomicDataTable;
import io.xasflow.physics.SpectrumParameters;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads parameter tables with header {@code ion,dq,ds,dt,s1,s2,temperature_k,sigma_g_ev,gamma1_ev,gamma2_ev}, one
 * spectrum per row. The whole file is validated before anything is computed; the first bad value stops the read with
 * a message naming its row, column and value.
 */
public final class ParameterCsv {
    public static final List<String> HEADER = header();

    /** One validated input row. */
    public record Row(String ion, SpectrumParameters parameters) {}

    private ParameterCsv() {}

    private static List<String> header() {
        List<String> names = new ArrayList<>();
        names.add("ion");
        names.addAll(SpectrumParameters.NAMES);
        return List.copyOf(names);
    }

    public static List<Row> read(Path path) throws IOException {
        List<Row> rows = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            String headerLine = reader.readLine();
            if (headerLine == null) {
                throw new IllegalArgumentException(path + " is empty, expected header " + String.join(",", HEADER));
            }
            List<String> header = Csv.split(headerLine.strip()).stream().map(String::strip).toList();
            if (!header.equals(HEADER)) {
                throw new IllegalArgumentException(path + ": header " + String.join(",", header) + ", expected "
                        + String.join(",", HEADER));
            }
            int rowNumber = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                rowNumber++;
                rows.add(parse(path, rowNumber, Csv.split(line.strip())));
            }
        }
        return rows;
    }

    private static Row parse(Path path, int row, List<String> fields) {
        String where = path.getFileName() + " row " + row;
        if (fields.size() != HEADER.size()) {
            throw new IllegalArgumentException(where + ": " + fields.size() + " columns, expected " + HEADER.size());
        }
        String ion = fields.get(0).strip();
        try {
            AtomicDataTable.ion(ion);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ", column ion: " + e.getMessage(), e);
        }
        double[] values = new double[9];
        for (int d = 0; d < 9; d++) {
            String text = fields.get(d + 1).strip();
            try {
                values[d] = Double.parseDouble(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ", column " + HEADER.get(d + 1) + ": value '" + text
                        + "' is not a number", e);
            }
        }
        try {
            return new Row(ion, SpectrumParameters.of(values));
        } catch (IllegalArgumentException e) {
            // the physics message names the parameter (= column) and the value
            throw new IllegalArgumentException(where + ", column " + e.getMessage(), e);
        }
    }
}
