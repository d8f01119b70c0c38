package io.xasflow.physics;

import java.util.Arrays;

/**
 * The n eigenvalues of diag(p) + ρ w wᵀ (ρ > 0, p strictly ascending, no w_j zero), as the roots of the secular
 * equation f(λ) = 1/ρ + Σ_j w_j²/(p_j − λ) = 0: root i lies in (p_i, p_{i+1}), the last in (p_{n−1}, p_{n−1} + ρ‖w‖²)
 * (Golub 1973; Demmel, Applied Numerical Linear Algebra, SIAM 1997, §5.3.3).
 *
 * <p>Each root is kept as its nearer pole plus an offset τ, so that every p_j − λ_i = (p_j − p_origin) − τ_i keeps its
 * last bits even for a root 1e-25 from its pole (LAPACK dlaed4 does the same), and the eigenvector (p − λ_i)⁻¹ w comes
 * out accurate without Gu and Eisenstat's recomputed w: a spectrum needs its weights to ~1e-7, not orthogonality to
 * the last bit. One step: f's poles below the root (ψ) and above it (φ), each modelled by a single pole fitted to its
 * value and slope (Bunch, Nielsen and Sorensen, Numer. Math. 31, 31 (1978)); the model's root is taken in the form
 * without cancellation, bisection of the bracket is the safeguard, and convergence is quadratic. Every root's sums are
 * evaluated in one pass over the poles, across the roots still moving: that loop vectorises, where one root after
 * another would be a chain of dependent divisions, like a QL sweep.
 */
final class SecularEquation {
    /** Unit roundoff of double (LAPACK's dlamch('E')), shared with {@link RankOneUpdate}'s deflation. */
    static final double EPS = Math.ulp(1.0) / 2;
    /** A root whose last step moved it by less than this fraction is done: the next step would be its square. */
    private static final double LAST_STEP = 1e-6;
    /** Iterations allowed; three to five are usual, bisection alone would need about sixty. */
    private static final int MAX_ITERATIONS = 100;

    /** Root i is poles[origin[i]] + offset[i]. */
    record Roots(int[] origin, double[] offset) {}

    private SecularEquation() {}

    /**
     * @param poles p, strictly ascending, length ≥ n
     * @param weights w, none zero
     * @throws ArithmeticException when a root does not converge (a bug, or input outside the contract)
     */
    static Roots solve(double[] poles, double[] weights, double rho, int n) {
        double inverseRho = 1 / rho;
        double[] w2 = new double[n];
        double sumW2 = 0;
        for (int j = 0; j < n; j++) {
            w2[j] = weights[j] * weights[j];
            sumW2 += w2[j];
        }
        int[] origin = new int[n];
        double[] originPole = new double[n];
        double[] tau = new double[n];
        double[] low = new double[n];
        double[] high = new double[n];
        for (int i = 0; i < n; i++) {  // start at the middle of each interval
            double width = i < n - 1 ? poles[i + 1] - poles[i] : rho * sumW2;
            origin[i] = i;
            originPole[i] = poles[i];
            tau[i] = width / 2;
            high[i] = width;
        }
        Sums sums = new Sums(n);
        int[] moving = new int[n];
        for (int i = 0; i < n; i++) {
            moving[i] = i;
        }
        sums.evaluate(poles, w2, n, originPole, tau, moving, n);
        for (int i = 0; i < n - 1; i++) {  // the nearer pole becomes the origin
            double width = poles[i + 1] - poles[i];
            if (inverseRho + sums.psi[i] + sums.phi[i] >= 0) {
                high[i] = width / 2;
            } else {
                origin[i] = i + 1;
                originPole[i] = poles[i + 1];
                tau[i] = -width / 2;
                low[i] = -width / 2;
                high[i] = 0;
            }
        }
        int count = n;
        for (int iteration = 0; count > 0; iteration++) {
            if (iteration == MAX_ITERATIONS) {
                throw new ArithmeticException("secular equation: " + count + " of " + n + " roots did not converge in "
                        + MAX_ITERATIONS + " iterations (rho = " + rho + ")");
            }
            int next = 0;
            for (int m = 0; m < count; m++) {
                int i = moving[m];
                if (step(i, n, poles, inverseRho, origin, originPole, tau, low, high, sums)) {
                    moving[next++] = i;
                }
            }
            count = next;
            if (count > 0) {
                sums.evaluate(poles, w2, n, originPole, tau, moving, count);
            }
        }
        return new Roots(origin, tau);
    }

    /** One safeguarded model step for root i; false when the root is done. */
    private static boolean step(int i, int n, double[] poles, double inverseRho, int[] origin, double[] originPole,
            double[] tau, double[] low, double[] high, Sums sums) {
        double psi = sums.psi[i];
        double phi = sums.phi[i];
        double f = inverseRho + psi + phi;
        if (Math.abs(f) <= 8 * EPS * n * (inverseRho + Math.abs(psi) + Math.abs(phi))) {  // at rounding level
            return false;
        }
        if (f > 0) {
            high[i] = Math.min(high[i], tau[i]);
        } else {
            low[i] = Math.max(low[i], tau[i]);
        }
        // the model c − qA/x + qB/(g − x) in x = λ − p_origin, the origin pole's group A at 0, the other pole at g
        double below = (poles[i] - originPole[i]) - tau[i];
        double qPsi = sums.dpsi[i] * below * below;
        double x;
        if (i < n - 1) {
            double above = (poles[i + 1] - originPole[i]) - tau[i];
            double qPhi = sums.dphi[i] * above * above;
            double c = inverseRho + (psi - sums.dpsi[i] * below) + (phi - sums.dphi[i] * above);
            boolean lowerOrigin = origin[i] == i;
            double qA = lowerOrigin ? qPsi : qPhi;
            double qB = lowerOrigin ? qPhi : qPsi;
            double g = lowerOrigin ? poles[i + 1] - poles[i] : poles[i] - poles[i + 1];
            double a = c * g + qA + qB;
            double big = a + Math.copySign(Math.sqrt(Math.max(0, a * a - 4 * c * qA * g)), a);
            x = 2 * qA * g / big;  // the root nearer the origin; the model's other root when c < 0
            if (!(x / g > 0 && x / g < 1)) {
                x = big / (2 * c);
            }
        } else {
            double c = inverseRho + (psi - sums.dpsi[i] * below);
            x = qPsi / c;
        }
        if (!(x > low[i] && x < high[i])) {
            x = (low[i] + high[i]) / 2;
        }
        if (x == tau[i]) {
            return false;
        }
        boolean last = Math.abs(x - tau[i]) <= LAST_STEP * Math.abs(x);
        tau[i] = x;
        return !last;
    }

    /** ψ = Σ_{j ≤ i} w_j²/(p_j − λ_i), φ = Σ_{j > i}, and their derivatives, for the roots still moving. */
    private static final class Sums {
        final double[] psi;
        final double[] dpsi;
        final double[] phi;
        final double[] dphi;
        private final double[] pole;
        private final double[] tau;
        private final double[] psiPacked;
        private final double[] dpsiPacked;
        private final double[] phiPacked;
        private final double[] dphiPacked;

        Sums(int n) {
            psi = new double[n];
            dpsi = new double[n];
            phi = new double[n];
            dphi = new double[n];
            pole = new double[n];
            tau = new double[n];
            psiPacked = new double[n];
            dpsiPacked = new double[n];
            phiPacked = new double[n];
            dphiPacked = new double[n];
        }

        /** For roots moving[0..count), ascending: packed so that the inner loops run over contiguous arrays. */
        void evaluate(double[] poles, double[] w2, int n, double[] originPole, double[] offset, int[] moving,
                int count) {
            for (int m = 0; m < count; m++) {
                pole[m] = originPole[moving[m]];
                tau[m] = offset[moving[m]];
            }
            Arrays.fill(psiPacked, 0, count, 0);
            Arrays.fill(dpsiPacked, 0, count, 0);
            Arrays.fill(phiPacked, 0, count, 0);
            Arrays.fill(dphiPacked, 0, count, 0);
            int below = 0;  // roots [0, below) lie below pole j: it is in their φ
            for (int j = 0; j < n; j++) {
                while (below < count && moving[below] < j) {
                    below++;
                }
                double pj = poles[j];
                double wj = w2[j];
                for (int m = 0; m < below; m++) {
                    double inverse = 1 / ((pj - pole[m]) - tau[m]);
                    double t = wj * inverse;
                    phiPacked[m] += t;
                    dphiPacked[m] += t * inverse;
                }
                for (int m = below; m < count; m++) {
                    double inverse = 1 / ((pj - pole[m]) - tau[m]);
                    double t = wj * inverse;
                    psiPacked[m] += t;
                    dpsiPacked[m] += t * inverse;
                }
            }
            for (int m = 0; m < count; m++) {
                int i = moving[m];
                psi[i] = psiPacked[m];
                dpsi[i] = dpsiPacked[m];
                phi[i] = phiPacked[m];
                dphi[i] = dphiPacked[m];
            }
        }
    }
}
