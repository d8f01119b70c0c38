package io.xasflow.physics;

import java.util.List;

/** Dense matrices of operators between sector bases (row-major, rows = bra sector, columns = ket sector). */
final class SectorMatrices {
    private SectorMatrices() {}

    /** ⟨bra_i| O |ket_j⟩ for sector bases of (possibly different) configurations. */
    static double[] between(FermionOperator operator, FockBasis braBasis, SymmetrySectors.SectorBasis bra,
            FockBasis ketBasis, SymmetrySectors.SectorBasis ket) {
        int rows = bra.dimension();
        int cols = ket.dimension();
        double[] matrix = new double[rows * cols];
        Accumulator image = new Accumulator(braBasis);
        for (int j = 0; j < cols; j++) {
            applyTo(operator, ketBasis, ket.detA()[j], ket.coefA()[j], image);
            if (ket.detB()[j] >= 0) {
                applyTo(operator, ketBasis, ket.detB()[j], ket.coefB()[j], image);
            }
            for (int i = 0; i < rows; i++) {
                double value = bra.coefA()[i] * image.values[bra.detA()[i]];
                if (bra.detB()[i] >= 0) {
                    value += bra.coefB()[i] * image.values[bra.detB()[i]];
                }
                matrix[i * cols + j] = value;
            }
            image.clear();
        }
        return matrix;
    }

    /** The term matrices of each distinct Hamiltonian block: result[h][t] for the terms in the given order. */
    static double[][][] hamiltonianTerms(FockBasis basis, SymmetrySectors sectors, List<HamiltonianTerm> terms) {
        FermionOperator[] operators = terms.stream().map(HamiltonianTerm::operator).toArray(FermionOperator[]::new);
        double[][][] result = new double[sectors.hamiltonianCount()][operators.length][];
        for (int h = 0; h < sectors.hamiltonianCount(); h++) {
            SymmetrySectors.SectorBasis sector = sectors.representative(h);
            for (int t = 0; t < operators.length; t++) {
                result[h][t] = between(operators[t], basis, sector, basis, sector);
            }
        }
        return result;
    }

    /** O|ket⟩ as a dense vector over the bra configuration, cleared sparsely between columns. */
    private static final class Accumulator implements FermionOperator.TermSink {
        private final FockBasis basis;
        private final double[] values;
        private final boolean[] touched;
        private final int[] touchedIndices;
        private int touchedCount;

        Accumulator(FockBasis basis) {
            this.basis = basis;
            this.values = new double[basis.size()];
            this.touched = new boolean[basis.size()];
            this.touchedIndices = new int[basis.size()];
        }

        @Override
        public void add(int determinant, double amplitude) {
            int index = basis.indexOf(determinant);
            if (index < 0) {
                throw new IllegalStateException("operator left the configuration: this is a bug");
            }
            if (!touched[index]) {
                touched[index] = true;
                touchedIndices[touchedCount++] = index;
            }
            values[index] += amplitude;
        }

        void clear() {
            for (int t = 0; t < touchedCount; t++) {
                values[touchedIndices[t]] = 0;
                touched[touchedIndices[t]] = false;
            }
            touchedCount = 0;
        }
    }

    private static void applyTo(FermionOperator operator, FockBasis basis, int index, double coefficient,
            FermionOperator.TermSink sink) {
        operator.apply(basis.determinant(index), (det, amplitude) -> sink.add(det, coefficient * amplitude));
    }
}
