package org.stowage.spi;

/**
 * Where a running add is, for progress displays: a driver whose add has steps besides writing
 * bytes (cinder: creating the volume, attaching, writing, growing, detaching) names each step as
 * it starts. Called on the adding thread; implementations return quickly and never throw.
 */
@FunctionalInterface
public interface AddPhases {
    /** Reports nothing. */
    AddPhases NONE = phase -> { };

    /** The add has started the step described by {@code phase}, e.g. {@code "attaching volume"}. */
    void phase(String phase);
}
