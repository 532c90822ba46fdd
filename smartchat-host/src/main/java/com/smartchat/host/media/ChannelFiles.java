package com.smartchat.host.media;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.smartchat.channel.spi.ChannelException;
import com.smartchat.channel.spi.FailureKind;
import com.smartchat.host.channels.ChannelSupervisor;
import com.smartchat.host.plugins.PluginCallException;
import com.smartchat.host.plugins.PluginChannel.FetchedFile;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The content of files audience members sent, fetched through their channel ({@code Channel.fetchAttachment}, SPI
 * 1.4) so that no network address, which may hold a credential, reaches a browser. Fetched files are kept in memory,
 * in a Caffeine cache bounded by {@code smartchat.media.cache-size} (the least recently used go first), so a
 * transcript shown again does not fetch them again. Agents who open the same file at once share one fetch, and at
 * most {@code smartchat.media.concurrent-fetches} files are fetched at a time: the memory fetches hold stays bounded.
 */
@Component
public class ChannelFiles {

    private static final Logger log = LoggerFactory.getLogger(ChannelFiles.class);

    private final ChannelSupervisor supervisor;
    private final MediaProperties properties;
    private final Cache<Key, FetchedFile> cache;
    private final ConcurrentMap<Key, CompletableFuture<FetchedFile>> fetching = new ConcurrentHashMap<>();
    private final Semaphore fetchers;

    private record Key(UUID channelId, String reference) {
    }

    public ChannelFiles(ChannelSupervisor supervisor, MediaProperties properties) {
        this.supervisor = supervisor;
        this.properties = properties;
        this.cache = Caffeine.newBuilder()
                .maximumWeight(properties.cacheSize().toBytes())
                .weigher((Key key, FetchedFile file) -> file.bytes().length + key.reference().length())
                .build();
        this.fetchers = new Semaphore(properties.concurrentFetches());
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
        CompletableFuture<FetchedFile> mine = new CompletableFuture<>();
        CompletableFuture<FetchedFile> theirs = fetching.putIfAbsent(key, mine);
        if (theirs != null) {
            return awaitOther(theirs);
        }
        try {
            FetchedFile file = cache.getIfPresent(key); // another fetch may have ended since the first look
            if (file == null) {
                file = fetchNow(channelId, reference, limit);
                cache.put(key, file);
            }
            mine.complete(file);
            return file;
        } catch (Unavailable | RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            fetching.remove(key, mine);
        }
    }

    private FetchedFile awaitOther(CompletableFuture<FetchedFile> fetch) throws Unavailable {
        try {
            return fetch.get(properties.fetchTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Unavailable unavailable) {
                throw unavailable;
            }
            throw new Unavailable(502, "The file could not be fetched from the network now; try again later.");
        } catch (TimeoutException e) {
            throw new Unavailable(503, "The file is still being fetched; try again in a moment.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable(503, "The file is still being fetched; try again in a moment.");
        }
    }

    private FetchedFile fetchNow(UUID channelId, String reference, long limit) throws Unavailable {
        var channel = supervisor.opened(channelId).orElseThrow(() -> new Unavailable(503,
                "The channel is not running, so its files cannot be fetched now. Start it, then try again."));
        try {
            if (!fetchers.tryAcquire(properties.fetchTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                throw busy();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw busy();
        }
        try {
            return channel.fetchAttachment(reference, limit, "fetch a file through channel " + channelId,
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
        } finally {
            fetchers.release();
        }
    }

    private static Unavailable busy() {
        return new Unavailable(503, "The host is fetching as many files as it may at once "
                + "(smartchat.media.concurrent-fetches); try again in a moment.");
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
