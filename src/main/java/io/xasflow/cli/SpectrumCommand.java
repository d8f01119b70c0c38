package io.xasflow.cli;

import io.xasflow.dataset.ParameterCsv;
import io.xasflow.dataset.SpectrumCsv;
import io.xasflow.physics.EnergyAxis;
import io.xasflow.physics.SpectrumEngine;
import io.xasflow.physics.SpectrumParameters;
import io.xasflow.physics.XasSpectrum;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Exact spectra from the multiplet engine: one parameter set on the command line, or a CSV table. */
@Command(name = "spectrum", mixinStandardHelpOptions = true,
        description = {"Computes exact isotropic 2p XAS spectra with the multiplet engine.",
            "Single: prints energy_ev,intensity,normalised rows.",
            "Table: --input params.csv (ion,dq,ds,dt,s1,s2,temperature_k,sigma_g_ev,gamma1_ev,gamma2_ev) --output"
                + " spectra.csv (ion,energy_start_ev,energy_step_ev,total_intensity,c0..c500)."})
final class SpectrumCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @ArgGroup(exclusive = false)
        Single single;
        @ArgGroup(exclusive = false)
        Table table;
    }

    static final class Single {
        @Option(names = "--ion", required = true, description = "ion key, e.g. Fe3+") String ion;
        @Option(names = "--dq", required = true, description = "Dq (eV)") double dq;
        @Option(names = "--ds", required = true, description = "Ds (eV)") double ds;
        @Option(names = "--dt", required = true, description = "Dt (eV)") double dt;
        @Option(names = "--s1", required = true, description = "scaling of F2dd, F4dd, F2pd") double s1;
        @Option(names = "--s2", required = true, description = "scaling of G1pd, G3pd") double s2;
        @Option(names = "--temperature-k", required = true, description = "temperature (K)") double temperatureK;
        @Option(names = "--sigma-g-ev", required = true, description = "Gaussian FWHM (eV)") double sigmaGEv;
        @Option(names = "--gamma1-ev", required = true, description = "Lorentzian FWHM below E_L3 + 0.75 zeta2p (eV)")
        double gamma1Ev;
        @Option(names = "--gamma2-ev", required = true, description = "Lorentzian FWHM above (eV)") double gamma2Ev;
    }

    static final class Table {
        @Option(names = "--input", required = true, description = "parameter table (CSV)") Path input;
        @Option(names = "--output", required = true, description = "spectra table (CSV), written atomically")
        Path output;
        @Option(names = "--threads", description = "worker threads (default: all cores)")
        int threads = Runtime.getRuntime().availableProcessors();
    }

    @Override
    public Integer call() throws Exception {
        if (source.single != null) {
            printSingle(source.single);
        } else {
            computeTable(source.table);
        }
        return 0;
    }

    private void printSingle(Single s) {
        SpectrumParameters p = SpectrumParameters.of(s.dq, s.ds, s.dt, s.s1, s.s2, s.temperatureK, s.sigmaGEv,
                s.gamma1Ev, s.gamma2Ev);
        XasSpectrum spectrum = SpectrumEngine.compute(s.ion, p);
        PrintWriter out = spec.commandLine().getOut();
        StringBuilder text = new StringBuilder("energy_ev,intensity,normalised\n");
        EnergyAxis axis = spectrum.axis();
        for (int c = 0; c < axis.channels(); c++) {
            text.append(axis.energy(c)).append(',').append(spectrum.intensity()[c]).append(',')
                    .append(spectrum.normalised()[c]).append('\n');
        }
        out.print(text);
        out.flush();
    }

    private void computeTable(Table t) throws Exception {
        if (t.threads <= 0) {
            throw new IllegalArgumentException("--threads=" + t.threads + " must be > 0");
        }
        List<ParameterCsv.Row> rows = ParameterCsv.read(t.input);
        ExecutorService pool = Executors.newFixedThreadPool(t.threads);
        try {
            List<Future<XasSpectrum>> futures = new ArrayList<>();
            for (ParameterCsv.Row row : rows) {
                futures.add(pool.submit(() -> SpectrumEngine.compute(row.ion(), row.parameters())));
            }
            List<XasSpectrum> spectra = new ArrayList<>(rows.size());
            for (int r = 0; r < futures.size(); r++) {
                try {
                    spectra.add(futures.get(r).get());
                } catch (ExecutionException e) {
                    throw new IllegalStateException("row " + (r + 1) + " (" + rows.get(r).ion() + "): "
                            + e.getCause().getMessage(), e.getCause());
                }
            }
            SpectrumCsv.write(t.output, spectra, EnergyAxis.CHANNELS);
            spec.commandLine().getErr().println("wrote " + spectra.size() + " spectra to " + t.output);
        } finally {
            pool.shutdownNow();
        }
    }
}
