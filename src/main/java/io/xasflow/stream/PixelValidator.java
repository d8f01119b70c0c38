package io.xasflow.stream;

import io.xasflow.avro.PixelParameters;
import io.xasflow.physics.AtomicDataTable;
import io.xasflow.physics.SpectrumParameters;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/** Checks a deserialised pixel before it is batched: known ion with a model, valid parameters, inside its scan. */
final class PixelValidator {
    private final Predicate<String> hasModel;
    private final List<String> modelIons;

    PixelValidator(Predicate<String> hasModel, List<String> modelIons) {
        this.hasModel = hasModel;
        this.modelIons = modelIons;
    }

    Optional<Rejection> check(PixelParameters p) {
        if (p.getWidth() <= 0 || p.getHeight() <= 0 || p.getX() < 0 || p.getY() < 0 || p.getX() >= p.getWidth()
                || p.getY() >= p.getHeight()) {
            return Optional.of(new Rejection(Rejection.Code.OUTSIDE_SCAN, "pixel (" + p.getX() + ", " + p.getY()
                    + ") outside the " + p.getWidth() + "×" + p.getHeight() + " scan " + p.getScanId()));
        }
        if (!AtomicDataTable.ionKeys().contains(p.getIon())) {
            return Optional.of(new Rejection(Rejection.Code.UNKNOWN_ION, "unknown ion '" + p.getIon()
                    + "', expected one of " + AtomicDataTable.ionKeys()));
        }
        if (!hasModel.test(p.getIon())) {
            return Optional.of(new Rejection(Rejection.Code.NO_MODEL, "no model for ion '" + p.getIon()
                    + "'; models present: " + modelIons));
        }
        try {
            parameters(p);
        } catch (IllegalArgumentException e) {
            return Optional.of(new Rejection(Rejection.Code.INVALID_PARAMETER, e.getMessage()));
        }
        return Optional.empty();
    }

    /** The nine parameters, validated by the physics contract (NaN, negative widths or temperature). */
    static SpectrumParameters parameters(PixelParameters p) {
        return SpectrumParameters.of(p.getDq(), p.getDs(), p.getDt(), p.getS1(), p.getS2(), p.getTemperatureK(),
                p.getSigmaGEv(), p.getGamma1Ev(), p.getGamma2Ev());
    }

    static void pack(PixelParameters p, float[] into, int offset) {
        into[offset] = (float) p.getDq();
        into[offset + 1] = (float) p.getDs();
        into[offset + 2] = (float) p.getDt();
        into[offset + 3] = (float) p.getS1();
        into[offset + 4] = (float) p.getS2();
        into[offset + 5] = (float) p.getTemperatureK();
        into[offset + 6] = (float) p.getSigmaGEv();
        into[offset + 7] = (float) p.getGamma1Ev();
        into[offset + 8] = (float) p.getGamma2Ev();
    }
}
