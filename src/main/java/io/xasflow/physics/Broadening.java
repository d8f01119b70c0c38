package io.xasflow.physics;

/**
 * Voigt broadening of sticks with the stepwise lifetime width of the contract:
 * I(ω) = Σ_k w_k V(ω − ω_k; σG, Γ(ω)), Γ(ω) = Γ1 below the step energy, Γ2 from it on.
 *
 * <p>V is the area-normalised Voigt profile V(x) = Re w((x + iΓ/2)/(s√2)) / (s√(2π)), s = σG/(2√(2 ln 2)),
 * evaluated with {@link Faddeeva}. {@link #exact} is the per-stick definition. {@link #broaden} is the fast path: sticks
 * are split onto a fine grid of step h = Δ/m (Δ the axis step) with 6-point Lagrange weights, which reproduce the
 * kernel's quintic interpolant, so the error is O((h/Γ)⁶) — below 3e-6 of the maximum with h ≤ FWHM_V/15, where 4
 * points needed FWHM_V/30 for the same and twice the fine points (docs/benchmarks.md, 2026-12-05) — and the fine grid
 * is correlated with the exactly sampled kernel once per width. Sticks beyond the fine grid's margin are summed
 * exactly every few channels and interpolated ({@link #addFar}). The correlation runs point by point, each fine point
 * adding its weight times a slice of the kernel to all channels: a contiguous axpy the JIT vectorises, where a dot
 * product per channel is a serial chain of additions (Java fixes their order). The sums are the same, in the same
 * order.
 */
public final class Broadening {
    /** Fine-grid points per Voigt FWHM (sets the O((h/Γ)⁶) splitting error). */
    static final double POINTS_PER_FWHM = 15;
    /** Sticks up to this far outside the axis are binned; beyond it they go to {@link #addFar}. */
    static final double MARGIN_EV = 10;
    /** Channels between exact evaluations of the sticks beyond the margin (interpolated by cubics in between). */
    static final int FAR_NODE_SPACING = 8;

    private static final double FWHM_TO_SIGMA = 1 / (2 * Math.sqrt(2 * Math.log(2)));

    private Broadening() {}

    /** Area-normalised Voigt profile at offset x (eV) for Gaussian FWHM σG and Lorentzian FWHM Γ. */
    public static double voigt(double x, double sigmaGEv, double gammaEv) {
        double s = sigmaGEv * FWHM_TO_SIGMA;
        double scale = 1 / (s * Math.sqrt(2));
        return Faddeeva.real(Math.abs(x) * scale, 0.5 * gammaEv * scale) * scale / Math.sqrt(Math.PI);
    }

    /** The definition: every stick evaluated at every channel. Cost O(channels × sticks). */
    public static double[] exact(StickSpectrum sticks, EnergyAxis axis, LineWidths widths, double stepEnergyEv) {
        double[] out = new double[axis.channels()];
        for (int i = 0; i < out.length; i++) {
            double omega = axis.energy(i);
            double gamma = lifetimeWidth(omega, widths, stepEnergyEv);
            double sum = 0;
            for (int k = 0; k < sticks.size(); k++) {
                sum += sticks.weight(k) * voigt(omega - sticks.energy(k), widths.sigmaGEv(), gamma);
            }
            out[i] = sum;
        }
        return out;
    }

    /** Fast path, within 1e-5 of {@link #exact} relative to the spectrum's maximum. */
    public static double[] broaden(StickSpectrum sticks, EnergyAxis axis, LineWidths widths, double stepEnergyEv) {
        double narrowest = voigtFwhm(widths.sigmaGEv(), Math.min(widths.gamma1Ev(), widths.gamma2Ev()));
        int perStep = Math.max(2, (int) Math.ceil(axis.stepEv() * POINTS_PER_FWHM / narrowest));
        double h = axis.stepEv() / perStep;
        int pad = (int) Math.ceil(MARGIN_EV / h);
        int fineCount = 2 * pad + (axis.channels() - 1) * perStep + 1;
        double fineStart = axis.startEv() - pad * h;

        double[] binned = new double[fineCount];
        double[] out = new double[axis.channels()];
        int aboveFrom = 0;  // the first channel at or above the step energy, where Γ2 takes over
        while (aboveFrom < out.length && axis.energy(aboveFrom) < stepEnergyEv) {
            aboveFrom++;
        }
        double[] farEnergy = new double[sticks.size()];
        double[] farWeight = new double[sticks.size()];
        int far = 0;
        for (int k = 0; k < sticks.size(); k++) {
            double position = (sticks.energy(k) - fineStart) / h;
            int j = (int) Math.floor(position);
            double w = sticks.weight(k);
            if (j < 2 || j + 3 >= fineCount) {
                farEnergy[far] = sticks.energy(k);
                farWeight[far++] = w;
                continue;
            }
            // Lagrange weights of the nodes j − 2 … j + 3 at j + t
            double t = position - j;
            double a2 = t + 2;
            double a1 = t + 1;
            double b1 = t - 1;
            double b2 = t - 2;
            double b3 = t - 3;
            binned[j - 2] += w * (a1 * t * b1 * b2 * b3 / -120);
            binned[j - 1] += w * (a2 * t * b1 * b2 * b3 / 24);
            binned[j] += w * (a2 * a1 * b1 * b2 * b3 / -12);
            binned[j + 1] += w * (a2 * a1 * t * b2 * b3 / 12);
            binned[j + 2] += w * (a2 * a1 * t * b1 * b3 / -24);
            binned[j + 3] += w * (a2 * a1 * t * b1 * b2 / 120);
        }
        int first = 0;
        while (first < fineCount && binned[first] == 0) {
            first++;
        }
        int last = fineCount - 1;
        while (last >= first && binned[last] == 0) {
            last--;
        }
        if (far > 0) {
            addFar(out, 0, aboveFrom, axis, widths.sigmaGEv(), widths.gamma1Ev(), farEnergy, farWeight, far);
            addFar(out, aboveFrom, out.length, axis, widths.sigmaGEv(), widths.gamma2Ev(), farEnergy, farWeight, far);
        }
        if (first <= last) {
            int lowest = Math.floorDiv(first - pad, perStep);
            int highest = Math.floorDiv(last - pad, perStep);
            double[][] below = aboveFrom > 0
                    ? phaseKernels(kernel(fineCount, h, widths.sigmaGEv(), widths.gamma1Ev()), fineCount, perStep,
                            lowest, highest, out.length) : null;
            double[][] above = aboveFrom < out.length
                    ? phaseKernels(kernel(fineCount, h, widths.sigmaGEv(), widths.gamma2Ev()), fineCount, perStep,
                            lowest, highest, out.length) : null;
            double[] sum = new double[out.length];  // apart from out, which may hold exactly summed sticks
            for (int n = first; n <= last; n++) {
                double w = binned[n];
                if (w == 0) {
                    continue;
                }
                int m = Math.floorDiv(n - pad, perStep);
                int r = n - pad - m * perStep;
                int base = highest - m;
                if (below != null) {
                    double[] phase = below[r];
                    for (int i = 0; i < aboveFrom; i++) {
                        sum[i] += w * phase[base + i];
                    }
                }
                if (above != null) {
                    double[] phase = above[r];
                    for (int i = aboveFrom; i < out.length; i++) {
                        sum[i] += w * phase[base + i];
                    }
                }
            }
            for (int i = 0; i < out.length; i++) {
                out[i] += sum[i];
            }
        }
        return out;
    }

    /** Γ(ω): Γ1 below the step energy E_L3 + 0.75·ζ2p, Γ2 from it on. */
    static double lifetimeWidth(double omegaEv, LineWidths widths, double stepEnergyEv) {
        return omegaEv < stepEnergyEv ? widths.gamma1Ev() : widths.gamma2Ev();
    }

    /** Olivero &amp; Longbothum (1977) approximation of the Voigt FWHM, used only to size the fine grid. */
    static double voigtFwhm(double sigmaGEv, double gammaEv) {
        return 0.5346 * gammaEv + Math.sqrt(0.2166 * gammaEv * gammaEv + sigmaGEv * sigmaGEv);
    }

    /** V(d·h) for d = −(length−1) … length−1, stored at index d + length − 1 (evaluated once per |d|). */
    private static double[] kernel(int length, double h, double sigmaGEv, double gammaEv) {
        double[] k = new double[2 * length - 1];
        int centre = length - 1;
        for (int d = 0; d < length; d++) {
            double v = voigt(d * h, sigmaGEv, gammaEv);
            k[centre + d] = v;
            k[centre - d] = v;
        }
        return k;
    }

    /**
     * The kernel split by phase: phase r, element k, is V(((highest − k)·perStep + r)·h), so that channel i's weight of a
     * fine point n = pad + m·perStep + r is element highest − m + i of phase r, and one point's contribution to all
     * channels is a contiguous axpy.
     */
    private static double[][] phaseKernels(double[] kernel, int length, int perStep, int lowest, int highest,
            int channels) {
        int centre = length - 1;
        int size = highest - lowest + channels;
        double[][] phases = new double[perStep][size];
        for (int r = 0; r < perStep; r++) {
            for (int k = 0; k < size; k++) {
                phases[r][k] = kernel[centre + (highest - k) * perStep + r];
            }
        }
        return phases;
    }

    /**
     * The sticks beyond the fine grid's margin, on channels [from, to) where one width Γ holds: their sum g(ω), at
     * least MARGIN_EV from every stick and so smooth on the scale of that distance, is evaluated exactly every
     * FAR_NODE_SPACING channels (and at nodes beyond the range, with the same Γ, so that every channel has two nodes on
     * each side) and interpolated by cubics: a relative error of order (spacing / distance)⁴ of those sticks' share.
     */
    private static void addFar(double[] out, int from, int to, EnergyAxis axis, double sigmaGEv, double gammaEv,
            double[] energy, double[] weight, int count) {
        if (from >= to) {
            return;
        }
        int spacing = FAR_NODE_SPACING;
        int firstNode = Math.floorDiv(from, spacing) - 1;
        int lastNode = Math.floorDiv(to - 1, spacing) + 2;
        double[] g = new double[lastNode - firstNode + 1];
        for (int m = firstNode; m <= lastNode; m++) {
            double omega = axis.startEv() + m * spacing * axis.stepEv();
            double sum = 0;
            for (int k = 0; k < count; k++) {
                sum += weight[k] * voigt(omega - energy[k], sigmaGEv, gammaEv);
            }
            g[m - firstNode] = sum;
        }
        for (int i = from; i < to; i++) {
            int m = Math.floorDiv(i, spacing);
            double t = (double) (i - m * spacing) / spacing;
            int node = m - firstNode;
            double a1 = t + 1;
            double b1 = t - 1;
            double b2 = t - 2;
            out[i] += -t * b1 * b2 / 6 * g[node - 1] + a1 * b1 * b2 / 2 * g[node] - a1 * t * b2 / 2 * g[node + 1]
                    + a1 * t * b1 / 6 * g[node + 2];
        }
    }
}
