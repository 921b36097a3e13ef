/**
 * Draining a store: moving every image with a location in one store into another, Glance's
 * database with it, by any number of workers sharing the work through that database
 * ({@link org.stowage.core.drain.StoreDrain}, {@link org.stowage.core.drain.DrainOptions},
 * {@link org.stowage.core.drain.DrainReport}). Public API of the core.
 */
package org.stowage.core.drain;
