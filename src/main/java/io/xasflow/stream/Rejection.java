package io.xasflow.stream;

/** Why an input record cannot be processed; the code is machine-readable, the message names the bad value. */
record Rejection(Code code, String message) {
    enum Code { UNDESERIALISABLE, UNKNOWN_ION, NO_MODEL, INVALID_PARAMETER, OUTSIDE_SCAN }
}
