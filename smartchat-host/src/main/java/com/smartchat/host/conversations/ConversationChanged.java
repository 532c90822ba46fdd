package com.smartchat.host.conversations;

import java.util.UUID;

/**
 * Published after a commit that changed a conversation, for live views.
 *
 * @param channelId the channel of the conversation
 * @param conversationId the conversation, or {@code null} when none was touched
 * @param elsewhere whether another host made the change (and told this one): it has told the others already
 */
public record ConversationChanged(UUID channelId, UUID conversationId, boolean elsewhere) {

    /** A change made by this host. */
    public ConversationChanged(UUID channelId, UUID conversationId) {
        this(channelId, conversationId, false);
    }
}
