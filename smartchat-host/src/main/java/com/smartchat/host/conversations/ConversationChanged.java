package com.smartchat.host.conversations;

import java.util.UUID;

/**
 * Published after a commit that changed a conversation, for live views and the outbound dispatcher.
 *
 * @param channelId the channel of the conversation
 * @param conversationId the conversation, or {@code null} when none was touched
 */
public record ConversationChanged(UUID channelId, UUID conversationId) {
}
