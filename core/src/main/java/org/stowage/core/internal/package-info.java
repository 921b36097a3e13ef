/**
 * The host's implementation: the store registry, location routing, settings assembly, garbage
 * collection, the configuration check and driver loading. Not an API: only {@code org.stowage.core}
 * and its public packages use it.
 */
package org.stowage.core.internal;
