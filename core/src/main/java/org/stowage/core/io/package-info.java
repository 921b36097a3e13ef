/**
 * The host's add input, public for tools, benchmarks and drivers' own tests that feed a driver
 * without a {@link org.stowage.core.Stowage}: {@link org.stowage.core.io.ImageInput} (the bytes of
 * an image being added, as the add loop reads them), {@link org.stowage.core.io.HashingImageInput}
 * (its implementation: the caller's data in chunks, hashed as it is handed out, held to its declared
 * size and to the stall deadline), {@link org.stowage.core.io.ChannelInput} (a channel as an add's
 * source, read into the pipeline's direct buffers without a copy) and
 * {@link org.stowage.core.io.HostExecutors} (the host's threads, which a {@code Stowage} owns and
 * closes). The rest of the package is package-private.
 */
package org.stowage.core.io;
