package com.smartchat.telegram;

import com.smartchat.channel.spi.ChannelSettings;
import com.smartchat.channel.spi.Secret;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.telegram.telegrambots.meta.TelegramUrl;

/**
 * A channel's settings, read: the token, where the Bot API is, how long a poll waits.
 *
 * @param token the bot token
 * @param apiUrl the Bot API server as TelegramBots addresses it
 * @param baseUrl the same, as text for messages ({@code https://api.telegram.org}); never contains a secret
 * @param pollTimeout how long one getUpdates waits for updates
 */
record TelegramConfig(Secret token, TelegramUrl apiUrl, String baseUrl, Duration pollTimeout) {

    /** The token field. */
    static final String TOKEN = "token";
    /** The optional Bot API server field. */
    static final String API_URL = "apiUrl";
    /** Provider setting: the Bot API base URL ({@code smartchat.plugins.telegram.api-url}). */
    static final String API_URL_SETTING = "api-url";
    /** Provider setting: the long-poll timeout in seconds ({@code smartchat.plugins.telegram.poll-timeout}). */
    static final String POLL_TIMEOUT_SETTING = "poll-timeout";

    static final String DEFAULT_API_URL = "https://api.telegram.org";
    static final int DEFAULT_POLL_TIMEOUT_SECONDS = 50;
    /** The longest poll: the shared HTTP client's read timeout is above it. */
    static final int MAX_POLL_TIMEOUT_SECONDS = 90;

    static final Pattern TOKEN_PATTERN = Pattern.compile("\\d+:[A-Za-z0-9_-]{30,}");
    static final String TOKEN_EXAMPLE = "110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
    static final String TOKEN_SHAPE_MESSAGE = "This does not look like a bot token. A token is the bot's number, a "
            + "colon and a long code, such as " + TOKEN_EXAMPLE + ". Open @BotFather in Telegram and copy the token "
            + "it gave you with /newbot, or send /token to get a new one.";

    /** A setting that cannot be used, with the field to blame. */
    static final class InvalidSetting extends Exception {
        private final String field;

        InvalidSetting(String field, String message) {
            super(message);
            this.field = field;
        }

        String field() {
            return field;
        }
    }

    /**
     * Reads settings.
     *
     * @throws InvalidSetting when the token is missing or malformed, or the Bot API address is not usable
     */
    static TelegramConfig from(ChannelSettings settings) throws InvalidSetting {
        Secret token = settings.secret(TOKEN)
                .orElseThrow(() -> new InvalidSetting(TOKEN, "Token is required. " + TOKEN_HELP));
        if (token.isBlank()) {
            throw new InvalidSetting(TOKEN, "Token is required. " + TOKEN_HELP);
        }
        if (!TOKEN_PATTERN.matcher(token.reveal().strip()).matches()) {
            throw new InvalidSetting(TOKEN, TOKEN_SHAPE_MESSAGE);
        }
        Secret cleanToken = token.reveal().strip().equals(token.reveal()) ? token : Secret.of(token.reveal().strip());
        Optional<String> fromForm = settings.text(API_URL).map(String::strip).filter(text -> !text.isEmpty());
        String base = fromForm.orElseGet(() -> settings.providerSetting(API_URL_SETTING)
                .map(String::strip).filter(text -> !text.isEmpty()).orElse(DEFAULT_API_URL));
        TelegramUrl url = parseBaseUrl(base, fromForm.isPresent());
        int timeout = settings.providerSetting(POLL_TIMEOUT_SETTING).map(String::strip).map(text -> {
            try {
                return Integer.parseInt(text);
            } catch (NumberFormatException e) {
                return DEFAULT_POLL_TIMEOUT_SECONDS;
            }
        }).orElse(DEFAULT_POLL_TIMEOUT_SECONDS);
        timeout = Math.max(0, Math.min(MAX_POLL_TIMEOUT_SECONDS, timeout));
        return new TelegramConfig(cleanToken, url, display(url), Duration.ofSeconds(timeout));
    }

    static final String TOKEN_HELP = "BotFather gives it when you create a bot with /newbot; /token issues a new one.";

    private static TelegramUrl parseBaseUrl(String text, boolean fromForm) throws InvalidSetting {
        String where = API_URL; // a bad host setting can be overridden on the form
        String origin = fromForm ? "Bot API server" : "The host's Telegram API address (smartchat.plugins.telegram.api-url)";
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new InvalidSetting(where, origin + " is not an address: use the form https://host[:port].");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new InvalidSetting(where, origin + " must be an http or https address such as "
                    + DEFAULT_API_URL + ".");
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null
                || uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
            throw new InvalidSetting(where, origin + " must be just scheme, host and port, such as "
                    + DEFAULT_API_URL + " or http://localhost:8081: Telegram adds /bot<token>/<method> itself.");
        }
        int port = uri.getPort() > 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new TelegramUrl(scheme, host, port, false);
    }

    private static String display(TelegramUrl url) {
        boolean defaultPort = url.getSchema().equals("https") && url.getPort() == 443
                || url.getSchema().equals("http") && url.getPort() == 80;
        String host = url.getHost().contains(":") ? "[" + url.getHost() + "]" : url.getHost();
        return url.getSchema() + "://" + host + (defaultPort ? "" : ":" + url.getPort());
    }

    /** The token as Telegram needs it: only for building requests. */
    String rawToken() {
        return token.reveal();
    }

    @Override
    public String toString() {
        return "TelegramConfig[apiUrl=" + baseUrl + ", pollTimeout=" + pollTimeout + "]";
    }
}
