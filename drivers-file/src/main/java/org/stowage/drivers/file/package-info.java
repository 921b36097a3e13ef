/**
 * The {@code file} store driver: glance_store's filesystem store with crash-safe, atomic adds.
 * See {@code docs/drivers/file.md}.
 */
package org.stowage.drivers.file;
