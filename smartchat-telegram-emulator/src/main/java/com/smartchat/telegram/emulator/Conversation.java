package com.smartchat.telegram.emulator;

import tools.jackson.databind.node.ObjectNode;

/**
 * A chat as one bot addresses it through the Bot API: a private chat with a user, or a group.
 *
 * @param chatId the chat id
 * @param group whether it is a group or supergroup
 * @param chatJson the Chat object inside messages
 * @param log the chat's messages
 */
record Conversation(long chatId, boolean group, ObjectNode chatJson, MessageLog log) {

    /** The ChatFullInfo object getChat returns. */
    ObjectNode fullInfo() {
        return chatJson.deepCopy().put("accent_color_id", 0).put("max_reaction_count", 11);
    }
}
