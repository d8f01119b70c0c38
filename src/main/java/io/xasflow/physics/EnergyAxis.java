package io.xasflow.physics;

/**
 * The contract's energy axis: linspace(E_L3 − 5, E_L3 + 25, 501) eV, step 0.06 eV.
 */
public record EnergyAxis(double startEv, double stepEv, int channels) {
    public static final int CHANNELS = 501;
    public static final double BELOW_EDGE_EV = 5;
    public static final double ABOVE_EDGE_EV = 25;

    public EnergyAxis {
        Checks.positive("step_ev", stepEv);
        if (channels < 2) {
            throw new IllegalArgumentException("channels=" + channels + " must be ≥ 2");
        }
    }

    public static EnergyAxis forEdge(double edgeL3Ev) {
        return new EnergyAxis(edgeL3Ev - BELOW_EDGE_EV, (ABOVE_EDGE_EV + BELOW_EDGE_EV) / (CHANNELS - 1), CHANNELS);
    }

    public double energy(int channel) {
        return startEv + channel * stepEv;
    }
}
