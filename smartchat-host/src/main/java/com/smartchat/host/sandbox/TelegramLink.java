package com.smartchat.host.sandbox;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an audience member opens: a bot's link ({@code https://t.me/<username>}, {@code t.me/<username>?start=PAYLOAD},
 * {@code tg://resolve?domain=<username>&start=PAYLOAD}) or just its username, with or without "@".
 *
 * @param username the bot's username, without "@"
 * @param start the deep link's start payload, or null; Telegram ignores one that is not 1-64 of {@code A-Za-z0-9_-}
 */
public record TelegramLink(String username, String start) {

    private static final Pattern WEB = Pattern.compile(
            "(?i)(?:https?://)?(?:www\\.)?(?:t\\.me|telegram\\.me|telegram\\.dog)/@?([A-Za-z0-9_]+)/?(?:\\?(.*))?");
    private static final Pattern APP = Pattern.compile("(?i)tg://resolve\\?(.*)");
    private static final Pattern NAME = Pattern.compile("@?([A-Za-z0-9_]+)");
    private static final Pattern PAYLOAD = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /**
     * Reads a link or a username.
     *
     * @param text what the member pasted or typed
     * @return the link, or empty when it names no username
     */
    public static Optional<TelegramLink> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String link = text.strip();
        Matcher web = WEB.matcher(link);
        if (web.matches()) {
            return Optional.of(new TelegramLink(web.group(1), parameter(web.group(2), "start")));
        }
        Matcher app = APP.matcher(link);
        if (app.matches()) {
            String domain = parameter(app.group(1), "domain");
            return domain == null || !NAME.matcher(domain).matches() ? Optional.empty()
                    : Optional.of(new TelegramLink(domain, parameter(app.group(1), "start")));
        }
        Matcher name = NAME.matcher(link);
        return name.matches() ? Optional.of(new TelegramLink(name.group(1), null)) : Optional.empty();
    }

    /** Whether Telegram would pass the start payload on: 1 to 64 of {@code A-Za-z0-9_-}. */
    public boolean startIsValid() {
        return start != null && PAYLOAD.matcher(start).matches();
    }

    /** Whether the start payload is a valid one. */
    public static boolean validStart(String start) {
        return start != null && PAYLOAD.matcher(start).matches();
    }

    private static String parameter(String query, String name) {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            String key = equals < 0 ? pair : pair.substring(0, equals);
            if (key.equals(name)) {
                return equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
