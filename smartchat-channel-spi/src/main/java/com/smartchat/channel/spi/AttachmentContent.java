package com.smartchat.channel.spi;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * The bytes of a file, with what a browser or a network needs to know about them. It goes both ways: a channel
 * returns one from {@link Channel#fetchAttachment} (the host reads the stream, then closes it), and the host hands
 * one to a channel in {@link OutboundMessage#content()} to upload a file the network does not have yet (the channel
 * reads the stream during {@link Channel#send}; the host closes it once the send has its answer).
 *
 * @param stream the bytes; read it once
 * @param mediaType the media type, such as {@code image/jpeg}; {@code application/octet-stream} when unknown
 * @param length the number of bytes, or -1 when unknown
 * @param fileName the file's name, without any folder, or {@code null}
 * @since 1.4
 */
public record AttachmentContent(InputStream stream, String mediaType, long length, String fileName)
        implements AutoCloseable {

    public AttachmentContent {
        Objects.requireNonNull(stream, "Content needs a stream");
        mediaType = mediaType == null || mediaType.isBlank() ? "application/octet-stream" : mediaType;
    }

    /** Closes the stream: the connection it may hold goes back to its pool. */
    @Override
    public void close() throws IOException {
        stream.close();
    }
}
