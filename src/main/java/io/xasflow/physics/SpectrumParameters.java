package io.xasflow.physics;

import java.util.List;

/**
 * The nine per-pixel inputs of the physics contract. Everywhere a flat vector is needed the order is
 * {@link #NAMES}: dq, ds, dt, s1, s2, temperature_k, sigma_g_ev, gamma1_ev, gamma2_ev.
 */
public record SpectrumParameters(CrystalField crystalField, SlaterScaling scaling, double temperatureK,
        LineWidths widths) {

    public static final List<String> NAMES =
            List.of("dq", "ds", "dt", "s1", "s2", "temperature_k", "sigma_g_ev", "gamma1_ev", "gamma2_ev");

    public SpectrumParameters {
        if (crystalField == null || scaling == null || widths == null) {
            throw new IllegalArgumentException("crystal field, scaling and widths are required");
        }
        Checks.nonNegative("temperature_k", temperatureK);
    }

    /** From a 9-vector in {@link #NAMES} order; validation messages name the offending parameter. */
    public static SpectrumParameters of(double... values) {
        if (values.length != NAMES.size()) {
            throw new IllegalArgumentException("expected 9 parameters " + NAMES + ", got " + values.length);
        }
        return new SpectrumParameters(new CrystalField(values[0], values[1], values[2]),
                new SlaterScaling(values[3], values[4]), values[5],
                new LineWidths(values[6], values[7], values[8]));
    }

    public double[] toArray() {
        return new double[] {crystalField.dq(), crystalField.ds(), crystalField.dt(), scaling.s1(), scaling.s2(),
            temperatureK, widths.sigmaGEv(), widths.gamma1Ev(), widths.gamma2Ev()};
    }
}
