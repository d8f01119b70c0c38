package io.xasflow.dataset;

import io.xasflow.physics.XasSpectrum;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Writes spectra as {@code ion,energy_start_ev,energy_step_ev,total_intensity,c0,…,c500} (box-normalised channels),
 * rows in input order; with flags, {@code confidence,predicted_se,outlier} follow {@code total_intensity}.
 * The file appears atomically: readers never see half a table.
 */
public final class SpectrumCsv {
    /**
     * One output row.
     *
     * @param totalIntensity summed stick weight (10 − n) from the engine; NaN when unknown (a network's spectrum)
     * @param flag           confidence columns, or null when the table has none
     */
    public record Row(String ion, double energyStartEv, double energyStepEv, double totalIntensity,
                      float[] normalised, Flag flag) {
        public static Row of(XasSpectrum spectrum) {
            float[] normalised = new float[spectrum.normalised().length];
            for (int c = 0; c < normalised.length; c++) {
                normalised[c] = (float) spectrum.normalised()[c];
            }
            return new Row(spectrum.ion(), spectrum.axis().startEv(), spectrum.axis().stepEv(),
                    spectrum.totalIntensity(), normalised, null);
        }
    }

    /** The confidence columns of a prediction. */
    public record Flag(double confidence, double predictedSe, boolean outlier) {}

    private SpectrumCsv() {}

    public static void write(Path path, List<XasSpectrum> spectra, int channels) throws IOException {
        writeRows(path, spectra.stream().map(Row::of).toList(), channels, false);
    }

    public static void writeRows(Path path, List<Row> rows, int channels, boolean withFlags) throws IOException {
        Path absolute = path.toAbsolutePath();
        Path temporary = absolute.resolveSibling(absolute.getFileName() + ".tmp");
        try (BufferedWriter out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
            StringBuilder header = new StringBuilder("ion,energy_start_ev,energy_step_ev,total_intensity");
            if (withFlags) {
                header.append(",confidence,predicted_se,outlier");
            }
            for (int c = 0; c < channels; c++) {
                header.append(",c").append(c);
            }
            out.write(header.append('\n').toString());
            for (Row row : rows) {
                StringBuilder line = new StringBuilder(10 * channels);
                line.append(row.ion()).append(',').append(row.energyStartEv()).append(',')
                        .append(row.energyStepEv()).append(',');
                if (!Double.isNaN(row.totalIntensity())) {
                    line.append(row.totalIntensity());
                }
                if (withFlags) {
                    Flag f = row.flag();
                    line.append(',').append(f.confidence()).append(',');
                    if (!Double.isNaN(f.predictedSe())) {  // empty when the model gives no estimate
                        line.append(f.predictedSe());
                    }
                    line.append(',').append(f.outlier());
                }
                for (float value : row.normalised()) {
                    line.append(',').append(value);
                }
                out.write(line.append('\n').toString());
            }
        }
        Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
