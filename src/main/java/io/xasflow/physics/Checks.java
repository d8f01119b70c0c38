package io.xasflow.physics;

/** Argument checks whose messages name the parameter and its bad value. */
final class Checks {
    private Checks() {}

    static void finite(String name, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(name + ": value " + value + " is not a finite number");
        }
    }

    static void nonNegative(String name, double value) {
        finite(name, value);
        if (value < 0) {
            throw new IllegalArgumentException(name + ": value " + value + " must be ≥ 0");
        }
    }

    static void positive(String name, double value) {
        finite(name, value);
        if (value <= 0) {
            throw new IllegalArgumentException(name + ": value " + value + " must be > 0");
        }
    }
}
