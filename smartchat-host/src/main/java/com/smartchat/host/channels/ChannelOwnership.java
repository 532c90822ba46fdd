package com.smartchat.host.channels;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.UUID;

/**
 * Which host runs which channel. One host alone runs every channel ({@link OneHost}); hosts sharing a PostgreSQL
 * database each run the channels whose lease they hold (the {@code cluster} feature). Only the channel's owner polls
 * and sends for it: a network's limits are per bot, and two pollers of one bot make the network refuse one of them.
 */
public interface ChannelOwnership {

    /** What an admin asked of a channel, carried out by its owner. */
    enum Action { START, STOP, RESTART, FORGET }

    /** This host's id, as the API and the logs show it. */
    String hostId();

    /** Whether this host starts every enabled channel at its boot (one host), rather than those it gets leases of. */
    boolean runsEveryChannel();

    /** Whether this host holds the channel's lease now; asks no database. */
    boolean holds(UUID channelId);

    /** Whether this host holds the channel's lease, or took it because no live host held it. */
    boolean holdOrTake(UUID channelId);

    /** The channel stopped here and is not to run here: its lease goes back for any host to take. */
    void release(UUID channelId);

    /**
     * Tells the other hosts of an admin's action on a channel: its owner, wherever it runs, carries it out; the
     * others forget what they keep of the channel. In the caller's transaction, if any, so that they hear of it
     * only once it committed.
     */
    void announce(UUID channelId, Action action);

    /** Wakes the channel's owner to send what was queued for it here; in the caller's transaction, if any. */
    void wakeSender(UUID channelId);

    /** The host that runs the channel, when one does. */
    Optional<String> ownerOf(UUID channelId);

    /** The machine's name, as far as it can be told, in letters, digits, '.', '_' and '-': what operators know it by. */
    static String machineName() {
        try {
            return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "-");
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
