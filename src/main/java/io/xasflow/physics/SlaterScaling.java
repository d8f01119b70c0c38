package io.xasflow.physics;

/** Screening factors: s1 scales F²dd, F⁴dd and F²pd; s2 scales G¹pd and G³pd. ζ values are never scaled. */
public record SlaterScaling(double s1, double s2) {
    public SlaterScaling {
        Checks.nonNegative("s1", s1);
        Checks.nonNegative("s2", s2);
    }
}
