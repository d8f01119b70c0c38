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
 * rows in input order. The file appears atomically: readers never see half a table.
 */
public final class SpectrumCsv {
    private SpectrumCsv() {}

    public static void write(Path path, List<XasSpectrum> spectra, int channels) throws IOException {
        Path absolute = path.toAbsolutePath();
        Path temporary = absolute.resolveSibling(absolute.getFileName() + ".tmp");
        try (BufferedWriter out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
            StringBuilder header = new StringBuilder("ion,energy_start_ev,energy_step_ev,total_intensity");
            for (int c = 0; c < channels; c++) {
                header.append(",c").append(c);
            }
            out.write(header.append('\n').toString());
            for (XasSpectrum spectrum : spectra) {
                StringBuilder line = new StringBuilder(8 * channels);
                line.append(spectrum.ion()).append(',').append(spectrum.axis().startEv()).append(',')
                        .append(spectrum.axis().stepEv()).append(',').append(spectrum.totalIntensity());
                for (double value : spectrum.normalised()) {
                    line.append(',').append((float) value);
                }
                out.write(line.append('\n').toString());
            }
        }
        Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
