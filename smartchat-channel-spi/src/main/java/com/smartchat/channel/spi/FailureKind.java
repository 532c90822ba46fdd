package com.smartchat.channel.spi;

/** What went wrong, so that the host decides retries from the kind of failure, never from message text. */
public enum FailureKind {
    /** The network asks to wait: retry after {@link ChannelException#retryAfter()}, exactly. */
    RATE_LIMITED,
    /** The recipient blocked the account: do not retry; the host marks the audience member. */
    RECIPIENT_BLOCKED,
    /** The credential is wrong or was revoked: the channel needs an admin. */
    UNAUTHORIZED,
    /** Another program owns this account's updates: the channel needs an admin. */
    CONFLICT,
    /** The request itself is wrong (empty text, unknown conversation): retrying cannot help. */
    INVALID_REQUEST,
    /** A network or server problem that may pass: retry with backoff. */
    TRANSIENT,
    /**
     * A send that may have been carried out: the connection broke, or no answer came, after the request was
     * written. Networks without an idempotency key (Telegram's sendMessage has none) would deliver a retry twice, so
     * the host never sends it again by itself: the message is shown as "may not have been delivered" and an agent
     * decides. Report {@link #TRANSIENT} instead only when the request certainly did not leave (connection refused,
     * unknown host) or the network answered with an error.
     *
     * @since 1.2
     */
    UNCERTAIN,
    /**
     * The channel cannot do what was asked at all, such as {@link Channel#fetchAttachment} on a network that keeps
     * no files: retrying cannot help, and the host says so rather than failing.
     *
     * @since 1.4
     */
    NOT_SUPPORTED,
    /**
     * A file is larger than the limit the host gave or the network allows: retrying cannot help.
     *
     * @since 1.4
     */
    TOO_LARGE
}
