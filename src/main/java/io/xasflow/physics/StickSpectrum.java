package io.xasflow.physics;

import java.util.Arrays;

/**
 * Transition lines before broadening: energy ω_k (eV) and Boltzmann-weighted dipole strength w_k of each
 * initial → final pair, tagged with the spherical dipole component q that produced it.
 */
public final class StickSpectrum {
    private double[] energies = new double[1024];
    private double[] weights = new double[1024];
    private byte[] components = new byte[1024];
    private int size;

    void add(double energyEv, double weight, int q) {
        if (size == energies.length) {
            energies = Arrays.copyOf(energies, 2 * size);
            weights = Arrays.copyOf(weights, 2 * size);
            components = Arrays.copyOf(components, 2 * size);
        }
        energies[size] = energyEv;
        weights[size] = weight;
        components[size++] = (byte) q;
    }

    public int size() {
        return size;
    }

    public double energy(int k) {
        return energies[k];
    }

    public double weight(int k) {
        return weights[k];
    }

    /** Spherical dipole component q ∈ {−1, 0, 1} of stick k. */
    public int component(int k) {
        return components[k];
    }

    /** Σ_k w_k: the isotropic sum rule gives 10 − n. */
    public double totalWeight() {
        double sum = 0;
        for (int k = 0; k < size; k++) {
            sum += weights[k];
        }
        return sum;
    }

    /**
     * The sticks of one Cartesian polarisation: z is q = 0; x and y are each half of q = ±1 (in D4h a final state is
     * reached by T₋₁ or by T₊₁, never both, so |⟨f|T_x|i⟩|² = |⟨f|T_y|i⟩|² = ½(|⟨f|T₋₁|i⟩|² + |⟨f|T₊₁|i⟩|²)).
     */
    public StickSpectrum polarisation(char axis) {
        StickSpectrum out = new StickSpectrum();
        for (int k = 0; k < size; k++) {
            boolean z = components[k] == 0;
            switch (axis) {
                case 'z' -> {
                    if (z) {
                        out.add(energies[k], weights[k], 0);
                    }
                }
                case 'x', 'y' -> {
                    if (!z) {
                        out.add(energies[k], 0.5 * weights[k], components[k]);
                    }
                }
                default -> throw new IllegalArgumentException("polarisation '" + axis + "', expected one of [x, y, z]");
            }
        }
        return out;
    }
}
