package com.smartchat.host.media;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.smartchat.channel.spi.ChannelException;
import com.smartchat.channel.spi.FailureKind;
import com.smartchat.host.channels.ChannelSupervisor;
import com.smartchat.host.plugins.PluginCallException;
import com.smartchat.host.plugins.PluginChannel.FetchedFile;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The content of files audience members sent, fetched through their channel ({@code Channel.fetchAttachment}, SPI
 * 1.4) so that no network address, which may hold a credential, reaches a browser. Fetched files are kept in memory,
 * in a Caffeine cache bounded by {@code smartchat.media.cache-size} (the least recently used go first), so a
 * transcript shown again does not fetch them again.
 */
@Component
public class ChannelFiles {

    private static final Logger log = LoggerFactory.getLogger(ChannelFiles.class);

    private final ChannelSupervisor supervisor;
    private final MediaProperties properties;
    private final Cache<Key, FetchedFile> cache;

    private record Key(UUID channelId, String reference) {
    }

    public ChannelFiles(ChannelSupervisor supervisor, MediaProperties properties) {
        this.supervisor = supervisor;
        this.properties = properties;
        this.cache = Caffeine.newBuilder()
                .maximumWeight(properties.cacheSize().toBytes())
                .weigher((Key key, FetchedFile file) -> file.bytes().length + key.reference().length())
                .build();
    }

    /** Why a file cannot be shown, in words for the agent, and the HTTP status that says so. */
    public static final class Unavailable extends Exception {

        private final int status;

        Unavailable(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /**
     * A file's content, from the cache or fetched through the channel.
     *
     * @param knownSize the size the network stated when the file arrived, or -1: a file known to be too large is
     *                  refused without asking the network
     * @throws Unavailable 413 for a file over the limit, 404 for a channel that cannot fetch files, 503 for a channel
     *                     that cannot be asked now, 502 when the network failed
     */
    public FetchedFile fetch(UUID channelId, String reference, long knownSize) throws Unavailable {
        long limit = properties.maxDownloadSize().toBytes();
        if (knownSize > limit) {
            throw tooLarge(knownSize);
        }
        Key key = new Key(channelId, reference);
        FetchedFile cached = cache.getIfPresent(key);
        if (cached != null) {
            return cached;
        }
        var channel = supervisor.opened(channelId).orElseThrow(() -> new Unavailable(503,
                "The channel is not running, so its files cannot be fetched now. Start it, then try again."));
        FetchedFile file;
        try {
            file = channel.fetchAttachment(reference, limit, "fetch a file through channel " + channelId,
                    properties.fetchTimeout());
        } catch (PluginCallException e) {
            if (e.getCause() instanceof ChannelException failure) {
                if (failure.kind() == FailureKind.TOO_LARGE) {
                    throw tooLarge(-1);
                }
                if (failure.kind() == FailureKind.NOT_SUPPORTED) {
                    throw new Unavailable(404, "This channel cannot fetch files: only what it said of the file is "
                            + "shown.");
                }
            }
            log.warn("Channel {} could not fetch a file: {}", channelId, e.getMessage());
            throw new Unavailable(502, "The file could not be fetched from the network now; try again later.");
        }
        cache.put(key, file);
        return file;
    }

    /** There is no file to show: the message has none at that place. */
    public static Unavailable notFound() {
        return new Unavailable(404, "There is no such file.");
    }

    private Unavailable tooLarge(long size) {
        return new Unavailable(413, "This file " + (size > 0 ? "(" + MediaProperties.readable(size) + ") " : "")
                + "is larger than " + MediaProperties.readable(properties.maxDownloadSize().toBytes())
                + ", the most the host fetches (smartchat.media.max-download-size).");
    }
}
