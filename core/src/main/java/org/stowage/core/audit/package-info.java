/**
 * The integrity audit: compares what Glance's database says (every non-deleted image location,
 * its size and hashes) with what the stores hold (their inventories), finds data that is
 * missing, of the wrong size or hash, and data no location points at (orphans), and optionally
 * removes the orphans or back-fills missing hashes. Entry point: {@link org.stowage.core.audit.StoreAudit}.
 */
package org.stowage.core.audit;
