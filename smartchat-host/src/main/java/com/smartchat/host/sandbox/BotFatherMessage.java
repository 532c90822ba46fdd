package com.smartchat.host.sandbox;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A line of an admin's chat with the sandbox's BotFather.
 *
 * @param id the order in the chat
 * @param fromBotFather whether BotFather wrote it (otherwise the admin did)
 * @param text the text, word for word
 * @param keyboard the answers BotFather offers as buttons (a reply keyboard), such as bot usernames; empty for none
 * @param note the sandbox's explanation of a refusal, shown apart from BotFather's words; null for none
 * @param at when
 */
public record BotFatherMessage(long id, boolean fromBotFather, String text, List<String> keyboard, String note,
                               Instant at) {

    private static final Pattern SPECIAL = Pattern.compile(
            "(?<token>\\b\\d{5,}:[A-Za-z0-9_-]{30,})|(?<link>(?:https://)?t\\.me/[A-Za-z0-9_]+)"
                    + "|(?<url>https://[^\\s)]+)|(?<command>(?<![\\w/])/[a-z]+\\b)");

    /**
     * A piece of a message's text: plain text, a token, a {@code t.me} link, another link, or a command.
     *
     * @param kind {@code text}, {@code token}, {@code link}, {@code url} or {@code command}
     * @param text the piece
     */
    public record Segment(String kind, String text) {

        /** For a {@code t.me} link: the bot's username. */
        public String username() {
            return text.substring(text.indexOf("t.me/") + "t.me/".length());
        }
    }

    public BotFatherMessage {
        keyboard = keyboard == null ? List.of() : List.copyOf(keyboard);
    }

    /** The text cut into pieces the page shows differently: tokens to copy, links, commands to tap. */
    public List<Segment> segments() {
        List<Segment> segments = new ArrayList<>();
        Matcher matcher = SPECIAL.matcher(text);
        int at = 0;
        while (matcher.find()) {
            if (matcher.start() > at) {
                segments.add(new Segment("text", text.substring(at, matcher.start())));
            }
            String kind = matcher.group("token") != null ? "token" : matcher.group("link") != null ? "link"
                    : matcher.group("url") != null ? "url" : "command";
            segments.add(new Segment(kind, matcher.group()));
            at = matcher.end();
        }
        if (at < text.length()) {
            segments.add(new Segment("text", text.substring(at)));
        }
        return segments;
    }

    /** The time of day, as chat apps show it (UTC). */
    public String time() {
        return java.time.format.DateTimeFormatter.ofPattern("HH:mm").withZone(java.time.ZoneOffset.UTC).format(at);
    }

    /** Never the text: it may hold a token. */
    @Override
    public String toString() {
        return "BotFatherMessage[" + id + (fromBotFather ? ", from BotFather]" : ", from the admin]");
    }
}
