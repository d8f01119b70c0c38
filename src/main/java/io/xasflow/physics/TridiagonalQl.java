package io.xasflow.physics;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;

/**
 * Eigenvalues of a symmetric tridiagonal T and the amplitudes Z^T x of a few vectors on its eigenvectors, by implicit
 * QL with Wilkinson shifts (EISPACK tql2). The plane rotations that build Z are applied to the c vectors instead of
 * to an n×n identity, so the eigenvectors are never formed: O(n²c) instead of divide and conquer's O(n³), and c (the
 * populated initial states reaching a block) is small.
 *
 * <p>A QL sweep is a chain of rotations, each waiting on the previous one's square root and divisions, so one sweep
 * leaves most of a core idle. {@link #solveAll} therefore advances up to four problems a rotation at a time each, and
 * the core works on their chains at once. A sweep's rotations are stored and applied to the vectors when it ends,
 * column by column: the row one rotation hands to the next stays in registers instead of going through memory (13–22 %
 * faster on a pair of 316-wide blocks, the same numbers).
 */
final class TridiagonalQl {
    /**
     * Chains advanced together: a third and fourth still find room in the core (1260- and 1512-state spectra 5–6 %
     * faster than with two, docs/benchmarks.md, 2026-12-05), and halved blocks give four.
     */
    private static final int LANES = 4;
    /** QL iterations allowed per eigenvalue before giving up (tql2 allows 30; two or three are usual). */
    private static final int MAX_ITERATIONS = 60;

    private final double[] d;
    private final double[] e;
    private final int n;
    private final double[] amplitudes;
    private final int c;
    private final double tolerance;
    /** The rotations of the sweep in progress, by row, until {@link #applySweep} applies them. */
    private final double[] sines;
    private final double[] cosines;

    /** The eigenvalue being found and the sweeps spent on it. */
    private int l;
    private int iterations;
    /** The sweep in progress: its lower end, and where it stands between two stretches of rotations. */
    private int m;
    private Chain chain;
    private boolean sweepOver;

    /**
     * A problem that overwrites {@code d} (T's diagonal, length n) with the eigenvalues, in no particular order, and
     * {@code amplitudes} (n×c, row-major) from x — row i holding the c vectors' components i in T's basis — to Z^T x,
     * row i then holding their amplitudes on eigenvector i. {@code e} (length n, T(i, i+1) = e[i], e[n−1] unused) is
     * destroyed.
     *
     * @param tolerance an off-diagonal element at most this (absolute) splits T; it moves eigenvalues by no more
     * @throws ArithmeticException for a non-finite entry
     */
    TridiagonalQl(double[] d, double[] e, int n, double[] amplitudes, int c, double tolerance) {
        for (int row = 0; row < n; row++) {
            if (!Double.isFinite(d[row]) || (row < n - 1 && !Double.isFinite(e[row]))) {  // NaN would end every sweep
                throw new ArithmeticException("tridiagonal matrix has a non-finite entry at row " + row + ": d = "
                        + d[row] + ", e = " + (row < n - 1 ? e[row] : 0));
            }
        }
        if (n > 0) {
            e[n - 1] = 0;
        }
        this.sweepOver = true;
        this.d = d;
        this.e = e;
        this.n = n;
        this.amplitudes = amplitudes;
        this.c = c;
        this.tolerance = tolerance;
        this.sines = new double[Math.max(1, n)];
        this.cosines = new double[Math.max(1, n)];
    }

    /** Solves one problem (see the constructor). @throws ArithmeticException when an eigenvalue does not converge */
    static void solve(double[] d, double[] e, int n, double[] amplitudes, int c, double tolerance) {
        solveAll(List.of(new TridiagonalQl(d, e, n, amplitudes, c, tolerance)));
    }

    /**
     * Solves the problems on four lanes (two when fewer than four are left), their rotations interleaved: each lane
     * takes the next problem as soon as its own is solved, the largest first, so the chains stay busy until the end
     * instead of the largest finishing alone (the 720-state ions have one block twice as wide as the other four).
     */
    static void solveAll(List<TridiagonalQl> problems) {
        List<TridiagonalQl> widestFirst = new ArrayList<>(problems);
        widestFirst.sort(Comparator.comparingInt((TridiagonalQl problem) -> problem.n).reversed());
        Deque<TridiagonalQl> queue = new ArrayDeque<>(widestFirst);
        TridiagonalQl[] lanes = new TridiagonalQl[LANES];
        while (true) {
            for (int k = 0; k < LANES; k++) {
                if (lanes[k] == null) {
                    lanes[k] = nextActive(queue);
                }
            }
            int active = compact(lanes);
            if (active == LANES) {
                stepFour(lanes[0], lanes[1], lanes[2], lanes[3]);
            } else if (active >= 2) {
                stepTwo(lanes[0], lanes[1]);
            } else {
                break;
            }
            for (int k = 0; k < LANES; k++) {
                if (lanes[k] != null && lanes[k].sweepOver && !lanes[k].nextSweep()) {
                    lanes[k] = null;
                }
            }
        }
        for (TridiagonalQl last = lanes[0]; last != null; last = nextActive(queue)) {
            last.solveRest();
        }
    }

    /** Moves the non-null lanes to the front; their count. */
    private static int compact(TridiagonalQl[] lanes) {
        int count = 0;
        for (int k = 0; k < lanes.length; k++) {
            if (lanes[k] != null) {
                TridiagonalQl problem = lanes[k];
                lanes[k] = null;
                lanes[count++] = problem;
            }
        }
        return count;
    }

    /** Rotations of two chains, interleaved, until the shorter sweep ends. */
    private static void stepTwo(TridiagonalQl first, TridiagonalQl second) {
        Chain one = first.chain;
        Chain two = second.chain;
        int count = Math.min(one.i - first.l, two.i - second.l) + 1;
        boolean going = true;
        for (int r = 0; r < count && going; r++) {
            going = first.step(one) & second.step(two);
        }
    }

    /**
     * Rotations of four chains, interleaved, until the shortest sweep ends. Written out beside {@link #stepTwo}, in
     * the straight-line form the measured two-lane code had; a loop over a lane array was not measured.
     */
    private static void stepFour(TridiagonalQl first, TridiagonalQl second, TridiagonalQl third,
            TridiagonalQl fourth) {
        Chain one = first.chain;
        Chain two = second.chain;
        Chain three = third.chain;
        Chain four = fourth.chain;
        int count = Math.min(Math.min(one.i - first.l, two.i - second.l), Math.min(three.i - third.l,
                four.i - fourth.l)) + 1;
        boolean going = true;
        for (int r = 0; r < count && going; r++) {
            going = first.step(one) & second.step(two) & third.step(three) & fourth.step(four);
        }
    }

    /** The next queued problem with a sweep to run (its first one set up), or null when none is left. */
    private static TridiagonalQl nextActive(Deque<TridiagonalQl> queue) {
        while (!queue.isEmpty()) {
            TridiagonalQl problem = queue.poll();
            if (problem.nextSweep()) {
                return problem;
            }
        }
        return null;
    }

    /** Sets up the next sweep (Wilkinson shift from the top 2×2); false when every eigenvalue has converged. */
    private boolean nextSweep() {
        while (l < n) {
            int end = l;
            while (end < n - 1 && Math.abs(e[end]) > tolerance) {
                end++;
            }
            if (end == l) {
                l++;
                iterations = 0;
                continue;
            }
            if (++iterations > MAX_ITERATIONS) {
                throw new ArithmeticException("implicit QL did not converge for eigenvalue " + l + " of " + n);
            }
            double shift = (d[l + 1] - d[l]) / (2 * e[l]);
            double r = Math.sqrt(shift * shift + 1);
            m = end;
            chain = new Chain(end - 1, d[end] - d[l] + e[l] / (shift + Math.copySign(r, shift)));
            sweepOver = false;
            return true;
        }
        return false;
    }

    /** The rest of the problem alone: the sweep in progress, if any, then every sweep still needed. */
    private void solveRest() {
        do {
            Chain current = chain;
            while (step(current)) {
                // each rotation waits on the last
            }
        } while (nextSweep());
    }

    /** One rotation of the sweep, from row m − 1 up to row l; false once the sweep is over ({@link #sweepOver}). */
    private boolean step(Chain chain) {
        if (sweepOver) {
            return false;
        }
        int i = chain.i;
        double f = chain.sine * e[i];
        double b = chain.cosine * e[i];
        double r = Math.sqrt(f * f + chain.g * chain.g);
        e[i + 1] = r;
        if (r == 0) {  // the rotation is the identity: T splits here, and the sweep restarts from l
            d[i + 1] -= chain.p;
            applySweep(i + 1, m - 1);
            e[m] = 0;
            sweepOver = true;
            return false;
        }
        double sine = f / r;
        double cosine = chain.g / r;
        double below = d[i + 1] - chain.p;
        r = (d[i] - below) * sine + 2 * cosine * b;
        double p = sine * r;
        d[i + 1] = below + p;
        double g = cosine * r - b;
        sines[i] = sine;
        cosines[i] = cosine;
        chain.sine = sine;
        chain.cosine = cosine;
        chain.g = g;
        chain.p = p;
        chain.i = i - 1;
        if (i - 1 >= l) {
            return true;
        }
        d[l] -= p;
        e[l] = g;
        applySweep(l, m - 1);
        e[m] = 0;
        sweepOver = true;
        return false;
    }

    /**
     * The stored rotations at rows hi, hi − 1, …, lo (their order in the sweep), each acting on rows i and i+1 of the
     * amplitudes as tql2's on columns i and i+1 of Z. Four columns at a time; the row passed on is kept in h.
     */
    private void applySweep(int lo, int hi) {
        if (hi < lo) {
            return;
        }
        double[] a = amplitudes;
        int k = 0;
        for (; k + 3 < c; k += 4) {
            int top = (hi + 1) * c + k;
            double h0 = a[top], h1 = a[top + 1], h2 = a[top + 2], h3 = a[top + 3];
            for (int i = hi; i >= lo; i--) {
                double s = sines[i];
                double co = cosines[i];
                int row = i * c + k;
                double z0 = a[row], z1 = a[row + 1], z2 = a[row + 2], z3 = a[row + 3];
                int next = row + c;
                a[next] = s * z0 + co * h0;
                a[next + 1] = s * z1 + co * h1;
                a[next + 2] = s * z2 + co * h2;
                a[next + 3] = s * z3 + co * h3;
                h0 = co * z0 - s * h0;
                h1 = co * z1 - s * h1;
                h2 = co * z2 - s * h2;
                h3 = co * z3 - s * h3;
            }
            int bottom = lo * c + k;
            a[bottom] = h0;
            a[bottom + 1] = h1;
            a[bottom + 2] = h2;
            a[bottom + 3] = h3;
        }
        for (; k < c; k++) {
            double h = a[(hi + 1) * c + k];
            for (int i = hi; i >= lo; i--) {
                double s = sines[i];
                double co = cosines[i];
                int row = i * c + k;
                double z = a[row];
                a[row + c] = s * z + co * h;
                h = co * z - s * h;
            }
            a[lo * c + k] = h;
        }
    }

    /** tql2's running quantities between two rotations of a sweep: the next row, the last rotation, g and p. */
    private static final class Chain {
        int i;
        double sine = 1;
        double cosine = 1;
        double g;
        double p;

        Chain(int i, double g) {
            this.i = i;
            this.g = g;
        }
    }
}
