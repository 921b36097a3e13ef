package org.stowage.core.locations;

/**
 * A document the user gave (the images of {@code locations upgrade}) that is not what was
 * expected: malformed JSON, or an element of the wrong shape. The message names the document,
 * the place (line and column, or image) and what was expected. Not a store failure: no store was
 * asked anything.
 */
public final class InvalidInputException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message naming the document, the place and what was expected. */
    public InvalidInputException(String message) {
        super(message);
    }
}
