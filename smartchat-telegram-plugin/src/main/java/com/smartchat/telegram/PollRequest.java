package com.smartchat.telegram;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.telegram.telegrambots.meta.api.methods.updates.GetUpdates;
import org.telegram.telegrambots.meta.api.objects.Update;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;

/**
 * The getUpdates request {@link LongPollReceiver} sends through TelegramBots' client. It differs from the library's in how it reads the
 * answer: update by update, keeping each update's JSON. TelegramBots' own reading keeps nothing of an update type
 * its model does not know (it arrives as a bare {@code update_id}), and one update its model cannot read fails the
 * whole batch, which it then polls again forever. Here the answer is split into its updates by a streaming parser
 * without Jackson's size limits (an update nested deeper, or with a longer number, than Jackson reads by default
 * would otherwise make the whole answer unreadable), then each update is read on its own: those the model cannot
 * read become {@code Unrecognized} with their JSON, and one without a usable {@code update_id} is marked so, never
 * given an id.
 */
final class PollRequest extends GetUpdates {

    /** Splits answers only: never builds a tree, so no nesting or length is too much for it. */
    private static final JsonFactory SPLITTER = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(Integer.MAX_VALUE).maxNumberLength(Integer.MAX_VALUE)
                    .maxStringLength(Integer.MAX_VALUE).maxNameLength(Integer.MAX_VALUE)
                    .maxDocumentLength(-1).build())
            .build();

    /** An update together with the JSON it came as. */
    static final class RawUpdate extends Update {
        @JsonIgnore
        transient JsonNode json;
        /** The update exactly as Telegram sent it. */
        @JsonIgnore
        transient String text;
        /** The update's kind: its first field other than {@code update_id}, or {@code update} when it has none. */
        @JsonIgnore
        transient String kind = "update";
        /** TelegramBots' model could not read it: only its id and JSON are known. */
        @JsonIgnore
        transient boolean unreadable;
        /** It has no {@code update_id} that can be used (absent, not an integer, out of range). */
        @JsonIgnore
        transient boolean idless;
    }

    /**
     * The update types asked for, by polls and webhooks alike so that switching between them changes nothing: the
     * kinds {@link UpdateMapper} turns into messages, button presses and blocks. Others (inline queries, polls,
     * boosts, payments...) would only be kept as unrecognized events: an inbox has no use for them. Those that
     * arrive anyway (created before this subscription, which Telegram applies when it creates an update) are kept
     * as unrecognized events all the same.
     */
    static final List<String> ALLOWED_UPDATES = List.of("message", "edited_message", "channel_post",
            "edited_channel_post", "callback_query", "my_chat_member");

    PollRequest(Integer offset, int timeoutSeconds) {
        setOffset(offset);
        setLimit(100);
        setTimeout(timeoutSeconds);
        setAllowedUpdates(ALLOWED_UPDATES);
    }

    @Override
    public ArrayList<Update> deserializeResponse(String answer) throws TelegramApiRequestException {
        List<String> results;
        try {
            results = split(answer);
        } catch (IOException e) {
            throw new TelegramApiRequestException("Telegram's answer to getUpdates is not JSON", e);
        }
        if (results == null) {
            return super.deserializeResponse(answer); // throws with Telegram's error code and parameters
        }
        ArrayList<Update> updates = new ArrayList<>();
        for (String text : results) {
            updates.add(read(text));
        }
        return updates;
    }

    /**
     * The text of each element of a successful answer's {@code result}, or {@code null} when the answer is not a
     * success with an array of results.
     */
    static List<String> split(String answer) throws IOException {
        List<String> results = new ArrayList<>();
        boolean ok = false;
        boolean hasResult = false;
        try (JsonParser parser = SPLITTER.createParser(answer)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("ok".equals(name)) {
                    ok = value == JsonToken.VALUE_TRUE;
                } else if ("result".equals(name) && value == JsonToken.START_ARRAY) {
                    hasResult = true;
                    results.clear();
                    for (JsonToken element = parser.nextToken(); element != JsonToken.END_ARRAY;
                         element = parser.nextToken()) {
                        int from = (int) parser.currentTokenLocation().getCharOffset();
                        parser.skipChildren();
                        int to = (int) parser.currentLocation().getCharOffset();
                        results.add(answer.substring(from, to));
                    }
                } else {
                    parser.skipChildren();
                }
            }
        }
        return ok && hasResult ? results : null;
    }

    /** Whether the text is one JSON object, however deep or long. */
    static boolean isObject(String text) {
        try (JsonParser parser = SPLITTER.createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            parser.skipChildren();
            return parser.nextToken() == null;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * One update as TelegramBots' model reads it, keeping its JSON; an update the model cannot read keeps only its
     * id and JSON and is marked unreadable. Used for polled and webhook updates alike.
     */
    static RawUpdate read(String text) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(text);
        } catch (IOException | RuntimeException e) {
            node = null; // valid JSON beyond Jackson's default limits: scanned below
        }
        RawUpdate update = null;
        if (node != null && node.isObject()) {
            try {
                update = Json.MAPPER.treeToValue(node, RawUpdate.class);
            } catch (IOException | RuntimeException e) {
                update = null;
            }
        }
        if (update == null) {
            update = new RawUpdate();
            update.unreadable = true;
        }
        update.text = text;
        update.json = node != null && node.isObject() ? node : null;
        scanTopLevel(text, update);
        return update;
    }

    /** Sets the update's id (or marks it idless) and kind from its top-level fields, whatever is inside them. */
    private static void scanTopLevel(String text, RawUpdate update) {
        Integer id = null;
        String kind = null;
        try (JsonParser parser = SPLITTER.createParser(text)) {
            if (parser.nextToken() == JsonToken.START_OBJECT) {
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    JsonToken value = parser.nextToken();
                    if ("update_id".equals(name)) {
                        id = value == JsonToken.VALUE_NUMBER_INT
                                && parser.getNumberType() == JsonParser.NumberType.INT ? parser.getIntValue() : null;
                    } else if (kind == null) {
                        kind = name;
                    }
                    parser.skipChildren();
                }
            }
        } catch (IOException | RuntimeException e) {
            id = null;
        }
        update.setUpdateId(id); // null when idless: never an event id or offset
        update.idless = id == null;
        update.kind = kind == null ? "update" : kind;
    }
}
