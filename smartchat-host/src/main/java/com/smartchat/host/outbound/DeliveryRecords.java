package com.smartchat.host.outbound;

import com.smartchat.channel.spi.FailureKind;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Where the dispatcher records what became of each send. The conversations feature implements it: it owns the
 * messages and the audience; each record takes the message out of the queue in the same transaction.
 */
public interface DeliveryRecords {

    /** A message whose send may or may not have reached the network. */
    record Uncertain(UUID messageId, String kind) {
    }

    /** The network accepted the message. */
    void sent(UUID messageId, List<String> providerMessageIds, Instant sentAt);

    /** The message will not be sent: the reason stays on it for agents to see. */
    void failed(UUID messageId, FailureKind kind, String reason);

    /** The recipient blocked the channel: the message failed, and the member is marked blocked. */
    void recipientBlocked(UUID messageId, UUID memberId, String reason);

    /** The message may or may not have reached the network: it waits for an agent's decision. */
    void uncertain(UUID messageId, String reason);

    /**
     * Marks the sends found under way after their claim ended (see {@link OutboundQueue#lockAbandonedSends})
     * uncertain.
     *
     * @return the messages marked
     */
    List<Uncertain> abandonSendsUnderWay();

    /** How many messages wait for an agent's decision because their delivery is uncertain. */
    long uncertainCount();
}
