package org.stowage.core;

import org.stowage.spi.StoreLocation;

/**
 * A location resolved to the store that owns it, and parsed by that store.
 *
 * @param store    the owning store
 * @param location the parsed location
 */
public record Located(StoreHandle store, StoreLocation location) {
}
