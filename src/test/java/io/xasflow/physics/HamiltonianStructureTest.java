package io.xasflow.physics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Structural checks on the operators and the eigensolver: Hermiticity, symmetry, residuals. */
class HamiltonianStructureTest {

    @ParameterizedTest(name = "3d{0}")
    @ValueSource(ints = {2, 5, 8})
    void everyTermIsHermitianInTheDeterminantBasis(int n) {
        for (FockBasis basis : List.of(new FockBasis(6, n), new FockBasis(5, n + 1))) {
            SymmetrySectors.SectorBasis all = FullDeterminantReference.whole(basis);
            for (HamiltonianTerm term : HamiltonianTerm.values()) {
                double[] m = SectorMatrices.between(term.operator(), basis, all, basis, all);
                int size = basis.size();
                for (int i = 0; i < size; i++) {
                    for (int j = 0; j < i; j++) {
                        assertEquals(m[i * size + j], m[j * size + i], 1e-12, term + " at (" + i + "," + j + ")");
                    }
                }
            }
        }
    }

    /** R = C₂(y) commutes with each term, so the sector decomposition is exact. */
    @ParameterizedTest(name = "3d{0}")
    @ValueSource(ints = {3, 4, 6})
    void rotationAboutYCommutesWithEveryTerm(int n) {
        FockBasis basis = new FockBasis(5, n + 1);
        SymmetrySectors.SectorBasis all = FullDeterminantReference.whole(basis);
        int size = basis.size();
        int[] image = new int[size];
        int[] sign = new int[size];
        for (int i = 0; i < size; i++) {
            long rotated = SymmetrySectors.rotate(basis.determinant(i));
            image[i] = basis.indexOf(SymmetrySectors.imageDeterminant(rotated));
            sign[i] = SymmetrySectors.imageSign(rotated);
        }
        for (HamiltonianTerm term : HamiltonianTerm.values()) {
            double[] m = SectorMatrices.between(term.operator(), basis, all, basis, all);
            for (int i = 0; i < size; i++) {
                for (int j = 0; j < size; j++) {
                    double rotatedElement = sign[i] * sign[j] * m[image[i] * size + image[j]];
                    assertEquals(m[i * size + j], rotatedElement, 1e-12, term + " at (" + i + "," + j + ")");
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Mn3+", "Fe3+", "Ni2+"})
    void eigenpairsSatisfyTheEigenEquation(String key) {
        IonParameters ion = AtomicDataTable.ion(key);
        ConfigurationModel model = ConfigurationModel.forDElectrons(ion.dElectrons());
        double[] coefficients = HamiltonianCoefficients.finalState(ion, PhysicsFixtures.D4H_ROOM_TEMPERATURE);
        for (SymmetricEigensolver.Precision precision : SymmetricEigensolver.Precision.values()) {
            double tolerance = precision == SymmetricEigensolver.Precision.DOUBLE ? 1e-10 : 1e-4;
            for (ConfigurationModel.BlockTerms block : model.finalTerms) {
                double[] h = block.assemble(coefficients);
                int n = block.n();
                SymmetricEigensolver.Eigensystem eig = new SymmetricEigensolver(precision).decompose(h.clone(), n);
                double worst = 0;
                for (int k = 0; k < n; k++) {
                    for (int i = 0; i < n; i++) {
                        double hv = 0;
                        for (int j = 0; j < n; j++) {
                            hv += h[i * n + j] * eig.vectors()[k * n + j];
                        }
                        worst = Math.max(worst, Math.abs(hv - eig.values()[k] * eig.vectors()[k * n + i]));
                    }
                }
                assertTrue(worst < tolerance, precision + " residual " + worst + " in a block of " + n);
            }
        }
    }
}
