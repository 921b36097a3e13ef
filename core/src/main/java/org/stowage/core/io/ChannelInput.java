package org.stowage.core.io;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectableChannel;
import java.util.Objects;
import org.stowage.core.internal.ByteReads;

/**
 * An add's source that is a channel, as an {@link InputStream} for
 * {@link org.stowage.core.Stowage#add(String, InputStream, org.stowage.core.AddOptions)}
 * ({@code stowage add} gives it its file's channel, or standard input's): the add pipeline reads such a source
 * straight into its own direct buffers, hashes them there and hands them to the store, with no copy
 * in between (a plain stream costs two copies per byte: into the caller's array and out of it again).
 * A {@link FileInputStream} (exactly that class: a subclass may change what it reads) is read through
 * its channel the same way. Closing the stream closes the channel; the add does not close its source,
 * but a stall or an abort does, to stop a read in progress.
 */
public final class ChannelInput extends InputStream {
    private final ReadableByteChannel channel;

    private ChannelInput(ReadableByteChannel channel) {
        this.channel = channel;
    }

    /**
     * {@code channel} as an add's source.
     *
     * @param channel a blocking channel (a read returns at least one byte, or -1 at the end)
     * @throws IllegalArgumentException for a channel in non-blocking mode
     */
    public static InputStream of(ReadableByteChannel channel) {
        Objects.requireNonNull(channel, "channel");
        if (channel instanceof SelectableChannel s && !s.isBlocking()) {
            throw new IllegalArgumentException("the image data channel is in non-blocking mode: expected a blocking "
                    + "channel (" + channel + ")");
        }
        return new ChannelInput(channel);
    }

    /** The channel behind {@code in} if the pipeline may read it directly, else null. */
    static ReadableByteChannel channelOf(InputStream in) {
        if (in instanceof ChannelInput c) {
            return c.channel;
        }
        if (in != null && in.getClass() == FileInputStream.class) {
            return ((FileInputStream) in).getChannel();
        }
        return null;
    }

    @Override
    public int read() throws IOException {
        return ByteReads.one(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        return len == 0 ? 0 : channel.read(ByteBuffer.wrap(b, off, len));
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
