package com.smartchat.telegram.emulator;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntFunction;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The messages of one chat: ids increasing from 1, and the recent messages kept for replies, edits, button
 * presses and deletions. Only the last {@code capacity} messages are kept, so that long benchmarks do not
 * grow without bound; older ones behave as deleted.
 */
final class MessageLog {

    private final int capacity;
    private final Map<Integer, ObjectNode> messages = new LinkedHashMap<>();
    private int lastId;

    MessageLog(int capacity) {
        this.capacity = capacity;
    }

    /** Allocates the next message id, builds the message with it and stores it, atomically. */
    synchronized ObjectNode append(IntFunction<ObjectNode> build) {
        ObjectNode message = build.apply(++lastId);
        messages.put(lastId, message);
        if (messages.size() > capacity) {
            messages.remove(messages.keySet().iterator().next());
        }
        return message;
    }

    /** The current version of a message, or null when there is none with that id. */
    synchronized ObjectNode get(int messageId) {
        return messages.get(messageId);
    }

    /** Stores a new version of an existing message (an edit). */
    synchronized void replace(int messageId, ObjectNode message) {
        messages.replace(messageId, message);
    }

    /** The last id issued and the messages kept, for {@link BotApiEmulator#saveState()}. */
    synchronized ObjectNode save() {
        ObjectNode saved = Json.object().put("lastId", lastId);
        ArrayNode kept = saved.putArray("messages");
        messages.values().forEach(kept::add);
        return saved;
    }

    /** Takes back what {@link #save()} wrote: the next message gets the id after the last one issued. */
    synchronized void restore(JsonNode saved) {
        lastId = saved.get("lastId").asInt();
        for (JsonNode message : saved.get("messages")) {
            messages.put(message.get("message_id").asInt(), (ObjectNode) message.deepCopy());
        }
    }

    /** Removes a message; returns it, or null when there was none. */
    synchronized ObjectNode remove(int messageId) {
        return messages.remove(messageId);
    }
}
