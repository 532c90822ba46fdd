package com.smartchat.telegram.emulator;

import java.time.Instant;

/**
 * A message an emulated user sent, as the bot receives it.
 *
 * @param chatId the chat it was sent in (the user's id for a private chat)
 * @param messageId its id in that chat, for replies, edits and deletions
 * @param date when it was sent (Telegram dates have whole seconds)
 * @param text its text or caption, or null for media without caption
 */
public record UserMessage(long chatId, int messageId, Instant date, String text) {
}
