package com.smartchat.host.media;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Files in the inbox ({@code smartchat.media.*}).
 *
 * @param maxDownloadSize the largest file the host fetches from a network to show it (Telegram lets bots download
 *                        at most 20 MB)
 * @param fetchTimeout how long fetching one file through its channel may take, download included
 * @param cacheSize the memory the cache of fetched files may use; the least recently used go first
 * @param concurrentFetches how many files the host fetches at once (more wait, up to {@code fetchTimeout}): the memory
 *                          fetches in progress hold is at most this many times {@code maxDownloadSize}
 * @param maxUploadSize the largest file an agent may attach to a reply
 * @param uploadTypes the media types an agent may attach; images among them go as photos, others as documents
 */
@ConfigurationProperties("smartchat.media")
public record MediaProperties(
        @DefaultValue("20MB") DataSize maxDownloadSize,
        @DefaultValue("60s") Duration fetchTimeout,
        @DefaultValue("64MB") DataSize cacheSize,
        @DefaultValue("4") int concurrentFetches,
        @DefaultValue("10MB") DataSize maxUploadSize,
        @DefaultValue({"image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf", "text/plain",
                "text/csv", "application/zip", "application/msword",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "application/vnd.ms-excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
        List<String> uploadTypes) {

    public MediaProperties {
        if (concurrentFetches < 1) {
            throw new IllegalArgumentException("smartchat.media.concurrent-fetches must be at least 1, not "
                    + concurrentFetches);
        }
    }

    /** A size as people read it: 512 bytes, 3 KB, 20 MB. */
    public static String readable(long bytes) {
        if (bytes >= 1 << 20) {
            double megabytes = bytes / (double) (1 << 20);
            return (megabytes == Math.rint(megabytes) ? String.valueOf((long) megabytes)
                    : String.format(java.util.Locale.ROOT, "%.1f", megabytes)) + " MB";
        }
        return bytes >= 1 << 10 ? (bytes + 512 >> 10) + " KB" : bytes + " bytes";
    }
}
