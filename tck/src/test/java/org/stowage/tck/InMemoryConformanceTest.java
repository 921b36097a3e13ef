package org.stowage.tck;

/** The kit passes on a correct read-write driver. */
class InMemoryConformanceTest extends MemoryKit {
}
