package com.smartchat.telegram.emulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;

/**
 * Something a bot did to a message through the Bot API: sent it, edited it or deleted it.
 * Tests read these with {@link BotApiEmulator#sentTo(EmulatedUser, EmulatedBot)}; listeners registered with
 * {@link BotApiEmulator#onBotMessage(java.util.function.Consumer)} see them as they happen.
 *
 * @param botId the bot's user id
 * @param chatId the chat (a user id for private chats, negative for groups)
 * @param messageId the message's id in its chat
 * @param action what the bot did
 * @param kind what the message holds
 * @param text the text, or the caption of media; null when there is none (and for deletions)
 * @param parseMode the {@code parse_mode} sent, or null
 * @param replyMarkupJson the {@code reply_markup} sent, as JSON text, or null
 * @param fileId the file_id of the media, or null
 * @param replyToMessageId the message this one answers, or null
 * @param silent whether {@code disable_notification} was set
 * @param at when the emulator accepted it
 */
public record SentMessage(long botId, long chatId, int messageId, Action action, Kind kind, String text,
                          String parseMode, String replyMarkupJson, String fileId, Integer replyToMessageId,
                          boolean silent, Instant at) {

    /** What the bot did to the message. */
    public enum Action {
        /** A {@code send*} method created it. */
        SENT,
        /** {@code editMessageText} changed it; {@code text} is the new text. */
        EDITED,
        /** {@code deleteMessage} removed it. */
        DELETED
    }

    /** What the message holds. */
    public enum Kind {
        /** A text message. */
        TEXT,
        /** A photo. */
        PHOTO,
        /** A general file. */
        DOCUMENT,
        /** An audio file shown as music. */
        AUDIO,
        /** A video. */
        VIDEO,
        /** A voice note. */
        VOICE,
        /** A sticker. */
        STICKER,
        /** A map location. */
        LOCATION,
        /** A phone contact. */
        CONTACT
    }

    /**
     * One button of an inline or reply keyboard.
     *
     * @param text the label
     * @param callbackData the callback data of an inline button, or null
     * @param url the URL of an inline URL button, or null
     */
    public record Button(String text, String callbackData, String url) {
    }

    /**
     * The buttons of the message's inline keyboard or reply keyboard, row by row flattened.
     *
     * @return the buttons; empty when the message has no keyboard
     */
    public List<Button> buttons() {
        List<Button> buttons = new ArrayList<>();
        if (replyMarkupJson == null) {
            return buttons;
        }
        JsonNode markup = Json.parse(replyMarkupJson);
        JsonNode rows = markup.has("inline_keyboard") ? markup.get("inline_keyboard") : markup.path("keyboard");
        for (JsonNode row : rows) {
            for (JsonNode button : row) {
                if (button.isString()) {
                    buttons.add(new Button(button.stringValue(), null, null));
                } else {
                    buttons.add(new Button(button.path("text").asString(""),
                            button.path("callback_data").stringValue(null), button.path("url").stringValue(null)));
                }
            }
        }
        return buttons;
    }
}
