package com.smartchat.host.sandbox;

import com.smartchat.telegram.emulator.SentMessage;
import java.util.Locale;
import java.util.regex.Pattern;

/** A bot's message as a Telegram app shows it: formatting markup removed, media named. */
final class BotText {

    private static final Pattern TAG = Pattern.compile("<[^>]+>");
    private static final Pattern MARKDOWN_V2_ESCAPE = Pattern.compile("\\\\([_*\\[\\]()~`>#+\\-=|{}.!\\\\])");

    private BotText() {
    }

    /** The text without its {@code parse_mode} markup (bold, links and the like are shown as plain text). */
    static String plain(String text, String parseMode) {
        if (text == null || parseMode == null) {
            return text;
        }
        return switch (parseMode.toLowerCase(Locale.ROOT)) {
            case "html" -> TAG.matcher(text).replaceAll("").replace("&lt;", "<").replace("&gt;", ">")
                    .replace("&quot;", "\"").replace("&amp;", "&");
            case "markdownv2" -> MARKDOWN_V2_ESCAPE.matcher(text).replaceAll("$1");
            default -> text;
        };
    }

    /** What a media message holds, in words. */
    static String describe(SentMessage.Kind kind) {
        return switch (kind) {
            case TEXT -> null;
            case PHOTO -> "Photo";
            case DOCUMENT -> "File";
            case AUDIO -> "Music";
            case VIDEO -> "Video";
            case VOICE -> "Voice message";
            case STICKER -> "Sticker";
            case LOCATION -> "Location";
            case CONTACT -> "Contact";
        };
    }
}
