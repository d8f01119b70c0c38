package io.xasflow.demo;

import io.xasflow.avro.PixelFlag;
import io.xasflow.avro.PixelSpectrum;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;

/** PNG maps of a finished scan (L3 peak energy, confidence, ion) and a plot of example spectra. */
final class ScanImages {
    private static final int SCALE = 4;
    private static final Color[] IONS = {new Color(0x4477aa), new Color(0xee6677), new Color(0x228833),
        new Color(0xccbb44), new Color(0x66ccee), new Color(0xaa3377), new Color(0xbbbbbb)};

    private ScanImages() {}

    static List<Path> write(Path dir, String scanId, int width, int height, Map<String, PixelSpectrum> spectra,
                            Map<String, PixelFlag> flags) throws IOException {
        List<Path> written = new ArrayList<>();
        double[][] peak = new double[height][width];
        double[][] confidence = new double[height][width];
        String[][] ion = new String[height][width];
        double lo = Double.MAX_VALUE;
        double hi = -Double.MAX_VALUE;
        for (PixelSpectrum s : spectra.values()) {
            if (!s.getScanId().equals(scanId)) {
                continue;
            }
            List<Float> v = s.getIntensities();
            int best = 0;
            for (int c = 1; c < v.size(); c++) {
                if (v.get(c) > v.get(best)) {
                    best = c;
                }
            }
            double e = s.getEnergyStartEv() + best * s.getEnergyStepEv();
            peak[s.getY()][s.getX()] = e;
            ion[s.getY()][s.getX()] = s.getIon();
            lo = Math.min(lo, e);
            hi = Math.max(hi, e);
        }
        for (PixelFlag f : flags.values()) {
            if (f.getScanId().equals(scanId)) {
                confidence[f.getY()][f.getX()] = f.getConfidence();
            }
        }
        written.add(map(dir.resolve("l3-peak-energy.png"), peak, lo, hi, ion,
                String.format("L3 peak energy (eV), %.1f – %.1f", lo, hi)));
        written.add(map(dir.resolve("confidence.png"), confidence, 0, 1, ion, "confidence, 0 – 1"));
        written.add(ionMap(dir.resolve("ions.png"), ion));
        written.add(examples(dir.resolve("example-spectra.png"), spectra, scanId));
        return written;
    }

    private static Color viridis(double t) {
        double[][] stops = {{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}};
        t = Math.max(0, Math.min(1, Double.isNaN(t) ? 0 : t)) * (stops.length - 1);
        int i = Math.min((int) t, stops.length - 2);
        double f = t - i;
        return new Color((int) (stops[i][0] + f * (stops[i + 1][0] - stops[i][0])),
                (int) (stops[i][1] + f * (stops[i + 1][1] - stops[i][1])),
                (int) (stops[i][2] + f * (stops[i + 1][2] - stops[i][2])));
    }

    private static Path map(Path file, double[][] values, double lo, double hi, String[][] present, String title)
            throws IOException {
        BufferedImage image = pixelImage(values.length, values[0].length, (x, y) -> present[y][x] == null
                ? Color.BLACK : viridis((values[y][x] - lo) / Math.max(hi - lo, 1e-12)));
        Graphics2D g = image.createGraphics();
        caption(g, title, values.length * SCALE + 16);
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    /** A white image with one SCALE × SCALE square per pixel and room for a caption below. */
    private static BufferedImage pixelImage(int h, int w, java.util.function.BiFunction<Integer, Integer, Color> colour) {
        BufferedImage image = new BufferedImage(w * SCALE, h * SCALE + 24, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                g.setColor(colour.apply(x, y));
                g.fillRect(x * SCALE, y * SCALE, SCALE, SCALE);
            }
        }
        g.dispose();
        return image;
    }

    private static Path ionMap(Path file, String[][] ion) throws IOException {
        Map<String, Color> colours = new TreeMap<>();
        for (String[] row : ion) {
            for (String i : row) {
                if (i != null) {
                    colours.computeIfAbsent(i, k -> IONS[colours.size() % IONS.length]);
                }
            }
        }
        int h = ion.length;
        BufferedImage image = pixelImage(h, ion[0].length,
                (px, py) -> ion[py][px] == null ? Color.BLACK : colours.get(ion[py][px]));
        Graphics2D g = image.createGraphics();
        int x = 4;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (Map.Entry<String, Color> e : colours.entrySet()) {
            g.setColor(e.getValue());
            g.fillRect(x, h * SCALE + 8, 10, 10);
            g.setColor(Color.BLACK);
            g.drawString(e.getKey(), x + 13, h * SCALE + 18);
            x += 60;
        }
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    private static Path examples(Path file, Map<String, PixelSpectrum> spectra, String scanId) throws IOException {
        Map<String, PixelSpectrum> onePerIon = new TreeMap<>();
        spectra.values().stream().filter(s -> s.getScanId().equals(scanId))
                .forEach(s -> onePerIon.putIfAbsent(s.getIon(), s));
        int w = 720;
        int panel = 160;
        BufferedImage image = new BufferedImage(w, Math.max(1, onePerIon.size()) * panel, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        int row = 0;
        for (PixelSpectrum s : onePerIon.values()) {
            int top = row * panel;
            List<Float> v = s.getIntensities();
            g.setColor(Color.LIGHT_GRAY);
            g.drawRect(40, top + 10, w - 60, panel - 40);
            g.setColor(IONS[row % IONS.length]);
            g.setStroke(new BasicStroke(1.5f));
            for (int c = 1; c < v.size(); c++) {
                int x0 = 40 + (c - 1) * (w - 60) / (v.size() - 1);
                int x1 = 40 + c * (w - 60) / (v.size() - 1);
                g.drawLine(x0, top + panel - 30 - Math.round(v.get(c - 1) * (panel - 40)),
                        x1, top + panel - 30 - Math.round(v.get(c) * (panel - 40)));
            }
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            g.drawString(String.format("%s, pixel (%d, %d): %.1f – %.1f eV, %s", s.getIon(), s.getX(), s.getY(),
                    s.getEnergyStartEv(), s.getEnergyStartEv() + (v.size() - 1) * s.getEnergyStepEv(),
                    s.getModelId()), 44, top + panel - 12);
            row++;
        }
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    private static void caption(Graphics2D g, String text, int y) {
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawString(text, 4, y);
    }
}
