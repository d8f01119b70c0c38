package io.xasflow.physics;

/**
 * Broadening widths (eV, FWHM): Gaussian σG and the Lorentzian lifetime width Γ1 below E_L3 + 0.75·ζ2p, Γ2 above.
 */
public record LineWidths(double sigmaGEv, double gamma1Ev, double gamma2Ev) {
    public LineWidths {
        Checks.positive("sigma_g_ev", sigmaGEv);
        Checks.positive("gamma1_ev", gamma1Ev);
        Checks.positive("gamma2_ev", gamma2Ev);
    }
}
