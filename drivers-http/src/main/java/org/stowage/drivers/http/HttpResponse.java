package org.stowage.drivers.http;

import org.stowage.spi.ImageStream;

/** A final response head, with the connection positioned at the first body byte. */
interface HttpResponse {
    /** The URL the request went to. */
    HttpLocation location();

    /** The request method. */
    String method();

    /** The status code. */
    int status();

    /** A header's value, by lower-case name; null if absent. */
    String header(String name);

    /** Up to {@code max} bytes of body that already arrived, made printable (for error messages). */
    String bodySnippet(int max);

    /**
     * The body as an image stream, which owns the connection from now on.
     *
     * @param framing       how the body is delimited
     * @param contentLength the Content-Length, or -1
     * @param skip          bytes to drop first (a server that ignored Range)
     * @param limit         the most bytes to return, or -1
     * @param length        the stream's length as reported, or -1 if unknown
     */
    ImageStream body(BodyStream.Framing framing, long contentLength, long skip, long limit, long length);

    /** Closes the connection (without reading the body). */
    void close();
}
