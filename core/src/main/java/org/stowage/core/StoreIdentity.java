package org.stowage.core;

/**
 * What identifies a configured store and how discovery shows it.
 *
 * @param id          the store id ({@code enabled_backends} key)
 * @param type        the driver type
 * @param isDefault   true for the default store
 * @param reserved    true for Glance's reserved stores
 * @param description {@code store_description}, or null
 * @param weight      {@code weight}, default 0
 * @param source      where the driver came from (plugin or classpath), {@code none} without one
 */
public record StoreIdentity(String id, String type, boolean isDefault, boolean reserved, String description,
        long weight, String source) {
}
