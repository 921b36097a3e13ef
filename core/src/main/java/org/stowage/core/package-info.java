/**
 * Stowage's public API for embedding applications and the command line: the {@link
 * org.stowage.core.Stowage} facade, its builder and Guice module, the option objects its calls
 * take and the reports they return. With {@code org.stowage.core.config} (the configuration types),
 * {@code org.stowage.core.locations} (the location upgrade) and {@code org.stowage.core.io} (the
 * add input, for feeding a driver directly), these are the packages callers use; everything under
 * {@code org.stowage.core.internal} is the host's own and may change at any time (a test checks that the command line and the test kit never import it).
 */
package org.stowage.core;
