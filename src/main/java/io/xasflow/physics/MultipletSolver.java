package io.xasflow.physics;

import dev.ludovic.netlib.blas.BLAS;
import java.util.ArrayList;
import java.util.List;

/**
 * Exact diagonalisation of H_i and H_f block by block and the Boltzmann-weighted dipole sticks
 * (physics contract §1): w_k = (e^{−(E_i−E_0)/k_BT}/Z) |⟨f|T_q|i⟩|², ω_k = E_f − E_i + E_L3 + ζ2p/2.
 *
 * <p>Partner blocks (k, −k) share one eigensystem; an initial state of a partner block gives the same isotropic
 * spectrum as its representative (R T_q R⁻¹ = ±T₋q), so representatives carry the partner's Boltzmann weight too.
 * Only the lowest states of each initial block are populated, and LAPACK returns eigenvalues ascending, so the
 * populated eigenvectors are a prefix of the columns. The initial blocks (at most 63 wide) are always solved in double
 * precision: at a few kelvin, k_BT ≈ 1e-4 eV, and single-precision energies (errors ~1e-5 eV) and eigenvectors of
 * nearly degenerate ground states moved normalised spectra by up to 6e-3 per channel. Not thread-safe: one solver per
 * thread.
 */
public final class MultipletSolver {
    /** Boltzmann constant (eV/K), CODATA 2014 as fixed by the physics contract. */
    public static final double BOLTZMANN_EV_PER_K = 8.6173303e-5;
    /** Initial states with e^{−(E−E₀)/kT} below this are dropped (the contract allows pruning below 1e-12). */
    static final double BOLTZMANN_CUTOFF = 1e-12;
    /** At T = 0 the ground manifold is the set of states this close to E₀ (eV), equally weighted. */
    static final double DEGENERACY_EV = 1e-8;

    private static final BLAS BLAS_INSTANCE = BLAS.getInstance();

    /** dsyevd for the initial blocks, and for the final blocks when they too run in double precision. */
    private final SymmetricEigensolver eigensolver = new SymmetricEigensolver(SymmetricEigensolver.Precision.DOUBLE);
    private final boolean doublePrecision;

    /** A solver with single-precision final states ({@link SpectralProjector}; the engine default). */
    public MultipletSolver() {
        this(false);
    }

    /** @param doublePrecision diagonalise the final-state blocks in double precision (dsyevd) instead of single */
    public MultipletSolver(boolean doublePrecision) {
        this.doublePrecision = doublePrecision;
    }

    /** The sticks of one ion for one parameter set. */
    public StickSpectrum sticks(IonParameters ion, SpectrumParameters parameters) {
        ConfigurationModel model = ConfigurationModel.forDElectrons(ion.dElectrons());
        SymmetricEigensolver.Eigensystem[] initial =
                diagonaliseInitial(model.initialTerms, HamiltonianCoefficients.initial(ion, parameters));
        ConfigurationModel.BlockTerms[] finalTerms = model.finalTerms;
        double[] finalCoefficients = HamiltonianCoefficients.finalState(ion, parameters);

        double groundEv = Double.POSITIVE_INFINITY;
        for (SymmetricEigensolver.Eigensystem block : initial) {
            if (block.n() > 0) {
                groundEv = Math.min(groundEv, block.values()[0]);
            }
        }
        double[][] boltzmann = new double[initial.length][];
        double partition = 0;
        for (int h = 0; h < initial.length; h++) {
            boltzmann[h] = populations(initial[h].values(), groundEv, parameters.temperatureK());
            int multiplicity = model.initialSectors.multiplicity(h);
            for (double b : boltzmann[h]) {
                partition += multiplicity * b;
            }
        }

        // Every populated initial state's dipole images T_q U_i[:, p] that land in one final block are projected on
        // that block's eigenvectors together, so each final block is reduced once and only if anything reaches it.
        List<List<ConfigurationModel.Transition>> arriving = new ArrayList<>();
        for (int f = 0; f < finalTerms.length; f++) {
            arriving.add(new ArrayList<>());
        }
        for (ConfigurationModel.Transition transition : model.transitions) {
            if (boltzmann[transition.initialBlock()].length > 0) {
                arriving.get(transition.finalBlock()).add(transition);
            }
        }
        double[][] images = new double[finalTerms.length][];
        int[] columns = new int[finalTerms.length];
        for (int f = 0; f < finalTerms.length; f++) {
            List<ConfigurationModel.Transition> into = arriving.get(f);
            if (into.isEmpty()) {
                continue;
            }
            int rows = finalTerms[f].n();
            for (ConfigurationModel.Transition transition : into) {
                columns[f] += boltzmann[transition.initialBlock()].length;
            }
            images[f] = new double[rows * columns[f]];
            int offset = 0;
            for (ConfigurationModel.Transition transition : into) {
                int populated = boltzmann[transition.initialBlock()].length;
                BLAS_INSTANCE.dgemm("N", "N", rows, populated, transition.columns(), 1.0, transition.matrix(), 0,
                        rows, initial[transition.initialBlock()].vectors(), 0, transition.columns(), 0.0, images[f],
                        offset * rows, rows);
                offset += populated;
            }
        }
        Projection[] projections = project(finalTerms, finalCoefficients, images, columns);

        double offsetEv = ion.edgeL3Ev() + ion.zeta2pEv() / 2;
        StickSpectrum sticks = new StickSpectrum();
        for (int f = 0; f < finalTerms.length; f++) {
            if (projections[f] == null) {
                continue;
            }
            int rows = finalTerms[f].n();
            double[] finalEv = projections[f].values();
            double[] amplitudes = projections[f].amplitudes();
            int offset = 0;
            for (ConfigurationModel.Transition transition : arriving.get(f)) {
                SymmetricEigensolver.Eigensystem from = initial[transition.initialBlock()];
                double[] populations = boltzmann[transition.initialBlock()];
                double multiplicity = model.initialSectors.multiplicity(transition.initialBlock());
                for (int p = 0; p < populations.length; p++) {
                    double stateWeight = multiplicity * populations[p] / partition;
                    double initialEv = from.values()[p];
                    int column = (offset + p) * rows;
                    for (int k = 0; k < rows; k++) {
                        double a = amplitudes[column + k];
                        double strength = a * a;
                        if (strength > 0) {
                            sticks.add(finalEv[k] - initialEv + offsetEv, stateWeight * strength, transition.q());
                        }
                    }
                }
                offset += populations.length;
            }
        }
        return sticks;
    }

    /** All eigenvalues of H_i (eV) with their multiplicity, ascending: for term analysis and tests. */
    double[] initialLevels(IonParameters ion, SpectrumParameters parameters) {
        ConfigurationModel model = ConfigurationModel.forDElectrons(ion.dElectrons());
        return levels(diagonaliseInitial(model.initialTerms, HamiltonianCoefficients.initial(ion, parameters)),
                model.initialSectors);
    }

    private static double[] levels(SymmetricEigensolver.Eigensystem[] blocks, SymmetrySectors sectors) {
        double[] all = new double[0];
        for (int h = 0; h < blocks.length; h++) {
            for (int copy = 0; copy < sectors.multiplicity(h); copy++) {
                int offset = all.length;
                all = java.util.Arrays.copyOf(all, offset + blocks[h].n());
                System.arraycopy(blocks[h].values(), 0, all, offset, blocks[h].n());
            }
        }
        java.util.Arrays.sort(all);
        return all;
    }

    private SymmetricEigensolver.Eigensystem[] diagonaliseInitial(ConfigurationModel.BlockTerms[] terms,
            double[] coefficients) {
        SymmetricEigensolver.Eigensystem[] systems = new SymmetricEigensolver.Eigensystem[terms.length];
        for (int h = 0; h < terms.length; h++) {
            systems[h] = eigensolver.decompose(terms[h].assemble(coefficients), terms[h].n());
        }
        return systems;
    }

    /** A final-state block's energies and column-major n×columns amplitudes ⟨f|x⟩ (row f for energy f). */
    record Projection(double[] values, double[] amplitudes) {}

    /**
     * Diagonalises the final-state blocks that {@code vectors} reach (null elsewhere) and projects each block's
     * column-major n×columns vectors on its states; null for the blocks nothing reaches.
     */
    private Projection[] project(ConfigurationModel.BlockTerms[] terms, double[] coefficients, double[][] vectors,
            int[] columns) {
        Projection[] projections = new Projection[terms.length];
        if (!doublePrecision) {
            float[][] lower = new float[terms.length][];
            int[] n = new int[terms.length];
            for (int f = 0; f < terms.length; f++) {
                n[f] = terms[f].n();
                if (vectors[f] != null) {
                    lower[f] = terms[f].assembleLowerSingle(coefficients);
                }
            }
            return SpectralProjector.projectAll(lower, n, vectors, columns);
        }
        // Double-precision path: explicit eigenvectors U (ascending energies), amplitudes U^T x.
        for (int f = 0; f < terms.length; f++) {
            if (vectors[f] == null) {
                continue;
            }
            int n = terms[f].n();
            SymmetricEigensolver.Eigensystem eig = eigensolver.decompose(terms[f].assemble(coefficients), n);
            double[] amplitudes = new double[n * columns[f]];
            BLAS_INSTANCE.dgemm("T", "N", n, columns[f], n, 1.0, eig.vectors(), n, vectors[f], n, 0.0, amplitudes,
                    n);
            projections[f] = new Projection(eig.values(), amplitudes);
        }
        return projections;
    }

    /** Unnormalised Boltzmann factors of the populated prefix of ascending eigenvalues. */
    private static double[] populations(double[] valuesEv, double groundEv, double temperatureK) {
        int count = 0;
        double kT = BOLTZMANN_EV_PER_K * temperatureK;
        while (count < valuesEv.length) {
            double excess = valuesEv[count] - groundEv;
            boolean populated = temperatureK == 0 ? excess <= DEGENERACY_EV : Math.exp(-excess / kT) >= BOLTZMANN_CUTOFF;
            if (!populated) {
                break;
            }
            count++;
        }
        double[] factors = new double[count];
        for (int i = 0; i < count; i++) {
            factors[i] = temperatureK == 0 ? 1 : Math.exp(-(valuesEv[i] - groundEv) / kT);
        }
        return factors;
    }

    /** Names of the native or Java LAPACK/BLAS in use, for logs and benchmarks. */
    public static List<String> linearAlgebraBackends() {
        return List.of(SymmetricEigensolver.implementation(), BLAS_INSTANCE.getClass().getSimpleName());
    }
}
