package io.xasflow.physics;

/** D4h crystal-field parameters (eV), Ballhausen convention; Ds = Dt = 0 is octahedral (Oh). */
public record CrystalField(double dq, double ds, double dt) {
    public CrystalField {
        Checks.finite("dq", dq);
        Checks.finite("ds", ds);
        Checks.finite("dt", dt);
    }
}
