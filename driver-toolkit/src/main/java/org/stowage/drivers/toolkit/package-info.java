/**
 * Helpers shared by Stowage's drivers and open to third-party drivers: what every store backend
 * needs and the SPI deliberately leaves out. Each plugin bundles the toolkit in its own
 * {@code lib/}, so the classes here are not a contract between host and driver.
 */
package org.stowage.drivers.toolkit;
