package io.xasflow.physics;

import java.util.Arrays;
import java.util.List;

/**
 * An independent path to the same sticks: the full determinant basis, no symmetry sectors, no partner tricks,
 * double-precision dsyevd on the whole configuration and plain loops for the transition amplitudes. Slow (the whole
 * 1512-state final space of a d4 ion at once) and only used by tests to check the blocked solver.
 */
final class FullDeterminantReference {
    private FullDeterminantReference() {}

    static StickSpectrum sticks(IonParameters ion, SpectrumParameters parameters) {
        FockBasis initialBasis = new FockBasis(6, ion.dElectrons());
        FockBasis finalBasis = new FockBasis(5, ion.dElectrons() + 1);
        SymmetrySectors.SectorBasis initialAll = whole(initialBasis);
        SymmetrySectors.SectorBasis finalAll = whole(finalBasis);
        SymmetricEigensolver.Eigensystem initial = diagonalise(initialBasis, initialAll, HamiltonianTerm.INITIAL,
                HamiltonianCoefficients.initial(ion, parameters));
        SymmetricEigensolver.Eigensystem fin = diagonalise(finalBasis, finalAll, HamiltonianTerm.FINAL,
                HamiltonianCoefficients.finalState(ion, parameters));

        int ni = initial.n();
        int nf = fin.n();
        double ground = initial.values()[0];
        double kT = MultipletSolver.BOLTZMANN_EV_PER_K * parameters.temperatureK();
        double[] boltzmann = new double[ni];
        double partition = 0;
        for (int i = 0; i < ni; i++) {
            double factor = Math.exp(-(initial.values()[i] - ground) / kT);
            boltzmann[i] = factor < MultipletSolver.BOLTZMANN_CUTOFF ? 0 : factor;
            partition += boltzmann[i];
        }
        double offset = ion.edgeL3Ev() + ion.zeta2pEv() / 2;
        StickSpectrum sticks = new StickSpectrum();
        for (int q = -1; q <= 1; q++) {
            double[] dipole = SectorMatrices.between(DipoleOperator.component(q), finalBasis, finalAll, initialBasis, initialAll);
            for (int i = 0; i < ni; i++) {
                if (boltzmann[i] == 0) {
                    continue;
                }
                // v = T_q |i⟩ in determinants, then ⟨f|v⟩ for every final eigenvector
                double[] v = new double[nf];
                for (int r = 0; r < nf; r++) {
                    double sum = 0;
                    for (int c = 0; c < ni; c++) {
                        sum += dipole[r * ni + c] * initial.vectors()[i * ni + c];
                    }
                    v[r] = sum;
                }
                for (int f = 0; f < nf; f++) {
                    double amplitude = 0;
                    for (int r = 0; r < nf; r++) {
                        amplitude += fin.vectors()[f * nf + r] * v[r];
                    }
                    if (amplitude != 0) {
                        sticks.add(fin.values()[f] - initial.values()[i] + offset,
                                boltzmann[i] / partition * amplitude * amplitude, q);
                    }
                }
            }
        }
        return sticks;
    }

    /** The full Hamiltonian of a configuration in the determinant basis (row-major). */
    static double[] hamiltonian(FockBasis basis, List<HamiltonianTerm> terms, double[] coefficients) {
        SymmetrySectors.SectorBasis all = whole(basis);
        double[] h = new double[basis.size() * basis.size()];
        for (int t = 0; t < terms.size(); t++) {
            double[] term = SectorMatrices.between(terms.get(t).operator(), basis, all, basis, all);
            for (int k = 0; k < h.length; k++) {
                h[k] += coefficients[t] * term[k];
            }
        }
        return h;
    }

    private static SymmetricEigensolver.Eigensystem diagonalise(FockBasis basis, SymmetrySectors.SectorBasis all,
            List<HamiltonianTerm> terms, double[] coefficients) {
        double[] h = hamiltonian(basis, terms, coefficients);
        return new SymmetricEigensolver(SymmetricEigensolver.Precision.DOUBLE).decompose(h, basis.size());
    }

    static SymmetrySectors.SectorBasis whole(FockBasis basis) {
        int n = basis.size();
        int[] detA = new int[n];
        double[] coefA = new double[n];
        int[] detB = new int[n];
        Arrays.fill(detB, -1);
        for (int i = 0; i < n; i++) {
            detA[i] = i;
            coefA[i] = 1;
        }
        return new SymmetrySectors.SectorBasis(-1, detA, coefA, detB, new double[n], 0);
    }
}
