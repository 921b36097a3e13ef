/**
 * The Stowage driver SPI.
 *
 * <p>A driver jar contributes one {@link org.stowage.spi.StoreDriverFactory} per store type
 * ({@code file}, {@code http}, {@code cinder}, ...). The host calls
 * {@link org.stowage.spi.StoreDriverFactory#create(StoreContext)} once for every {@code id:type}
 * entry of {@code enabled_backends}, and talks to the resulting {@link org.stowage.spi.StoreDriver}
 * only through this package. The package depends on the JDK and on PF4J's
 * {@code ExtensionPoint} marker only; it evolves through default methods.
 */
package org.stowage.spi;
