package com.smartchat.host.sandbox;

import com.smartchat.telegram.emulator.SentMessage;
import java.time.Instant;
import java.util.List;

/**
 * One line of an audience member's chat with a bot, as their Telegram app would show it.
 *
 * @param seq the order in the chat
 * @param side who wrote it
 * @param kind what it holds: text, photo, location, contact, or for bots any other kind the Bot API sends
 * @param text its text or caption, or null
 * @param detail what the media is, in words (a location's coordinates, a contact's phone), or null
 * @param buttons the bot's inline buttons; empty for none
 * @param messageId the Telegram message id, 0 for service lines
 * @param edited whether the bot edited it
 * @param deleted whether the bot deleted it
 * @param at when
 */
public record ChatEntry(long seq, Side side, String kind, String text, String detail, List<SentMessage.Button> buttons,
                        int messageId, boolean edited, boolean deleted, Instant at) {

    /** Who wrote a line. */
    public enum Side {
        /** The audience member. */
        USER,
        /** The bot, that is the channel. */
        BOT,
        /** Telegram itself: "You blocked the bot". */
        SERVICE
    }

    public ChatEntry {
        buttons = buttons == null ? List.of() : List.copyOf(buttons);
    }

    public boolean fromUser() {
        return side == Side.USER;
    }

    public boolean fromBot() {
        return side == Side.BOT;
    }

    public boolean service() {
        return side == Side.SERVICE;
    }

    /** The time of day, as chat apps show it (UTC). */
    public String time() {
        return java.time.format.DateTimeFormatter.ofPattern("HH:mm").withZone(java.time.ZoneOffset.UTC).format(at);
    }

    /** The line after the bot edited the message. */
    ChatEntry edit(String newText, List<SentMessage.Button> newButtons) {
        return new ChatEntry(seq, side, kind, newText, detail, newButtons, messageId, true, deleted, at);
    }

    /** The line after the bot deleted the message. */
    ChatEntry delete() {
        return new ChatEntry(seq, side, kind, null, null, List.of(), messageId, edited, true, at);
    }
}
