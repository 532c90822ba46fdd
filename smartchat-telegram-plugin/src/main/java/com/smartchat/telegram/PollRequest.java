package com.smartchat.telegram;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.telegram.telegrambots.meta.api.methods.updates.GetUpdates;
import org.telegram.telegrambots.meta.api.objects.Update;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;

/**
 * The getUpdates request this plugin hands TelegramBots' poller. It differs from the library's in how it reads the
 * answer: update by update, keeping each update's JSON. TelegramBots' own reading keeps nothing of an update type
 * its model does not know (it arrives as a bare {@code update_id}), and one update its model cannot read fails the
 * whole batch, which it then polls again forever. Here every update arrives; those the model cannot read become
 * {@code Unrecognized} with their JSON.
 */
final class PollRequest extends GetUpdates {

    /** An update together with the JSON it came as. */
    static final class RawUpdate extends Update {
        @JsonIgnore
        transient JsonNode json;
        /** TelegramBots' model could not read it: only its id and JSON are known. */
        @JsonIgnore
        transient boolean unreadable;
    }

    /** Told before each batch is handed to the poller; see {@link TelegramChannel}. */
    interface BatchListener {
        void batchRead(List<RawUpdate> batch);
    }

    /**
     * The update types asked for, by polls and webhooks alike so that switching between them changes nothing: the
     * empty list is Telegram's default, every type except {@code chat_member} and reactions, whatever was set
     * before.
     */
    static final List<String> ALLOWED_UPDATES = List.of();

    @JsonIgnore
    private final transient BatchListener listener;

    PollRequest(Integer offset, int timeoutSeconds, BatchListener listener) {
        this.listener = listener;
        setOffset(offset);
        setLimit(100);
        setTimeout(timeoutSeconds);
        setAllowedUpdates(ALLOWED_UPDATES);
    }

    @Override
    public ArrayList<Update> deserializeResponse(String answer) throws TelegramApiRequestException {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(answer);
        } catch (IOException e) {
            throw new TelegramApiRequestException("Telegram's answer to getUpdates is not JSON", e);
        }
        if (root == null || !root.path("ok").asBoolean(false) || !root.path("result").isArray()) {
            return super.deserializeResponse(answer); // throws with Telegram's error code and parameters
        }
        ArrayList<Update> updates = new ArrayList<>();
        List<RawUpdate> batch = new ArrayList<>();
        for (JsonNode node : root.path("result")) {
            RawUpdate update = read(node);
            updates.add(update);
            batch.add(update);
        }
        listener.batchRead(batch);
        return updates;
    }

    /**
     * One update as TelegramBots' model reads it, keeping its JSON; an update the model cannot read keeps only its
     * id and JSON and is marked unreadable. Used for polled and webhook updates alike.
     */
    static RawUpdate read(JsonNode node) {
        RawUpdate update;
        try {
            update = Json.MAPPER.treeToValue(node, RawUpdate.class);
        } catch (IOException | RuntimeException e) {
            update = new RawUpdate();
            update.unreadable = true;
        }
        if (update.getUpdateId() == null) {
            update.setUpdateId(node.path("update_id").asInt());
        }
        update.json = node;
        return update;
    }
}
