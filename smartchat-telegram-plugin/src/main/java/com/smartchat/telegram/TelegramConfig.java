package com.smartchat.telegram;

import com.smartchat.channel.spi.ChannelSettings;
import com.smartchat.channel.spi.ProviderSetting;
import com.smartchat.channel.spi.Secret;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.telegram.telegrambots.meta.TelegramUrl;

/**
 * A channel's settings, read: the token, where the Bot API is, how updates arrive and how long a poll waits.
 *
 * @param token the bot token
 * @param apiUrl the Bot API server as TelegramBots addresses it
 * @param baseUrl the same, as text for messages ({@code https://api.telegram.org}); never contains a secret
 * @param pollTimeout how long one getUpdates waits for updates
 * @param delivery how updates arrive: long polling or webhook
 * @param webhookMaxConnections the most webhook requests Telegram sends at once ({@code max_connections})
 * @param webhookCheckInterval how often a webhook channel asks Telegram for getWebhookInfo
 */
record TelegramConfig(Secret token, TelegramUrl apiUrl, String baseUrl, Duration pollTimeout, Delivery delivery,
                      int webhookMaxConnections, Duration webhookCheckInterval) {

    /** How a channel receives its updates. */
    enum Delivery {
        /** {@code getUpdates} long polls: works behind NAT, the default. */
        POLLING("polling", "Long polling (works behind NAT)"),
        /** Telegram POSTs each update to the host's public address. */
        WEBHOOK("webhook", "Webhook (needs the host's public address)");

        /** The stored value. */
        final String value;
        /** What the admin sees. */
        final String label;

        Delivery(String value, String label) {
            this.value = value;
            this.label = label;
        }
    }

    /** The token field. */
    static final String TOKEN = "token";
    /**
     * The name of the per-channel "Bot API server" field of form versions 1 and 2. It is gone: the Bot API server is
     * the operator's setting alone ({@link #API_URL_SETTING}), since a channel's admin who could set it could send
     * the channel's token to a server of their choosing. A stored value is dropped by
     * {@link TelegramChannelProvider#migrateSettings} and ignored when read.
     */
    static final String FORMER_API_URL_FIELD = "apiUrl";
    static final String DEFAULT_API_URL = "https://api.telegram.org";
    /** The longest poll: the shared HTTP client's read timeout is above it. */
    static final int MAX_POLL_TIMEOUT_SECONDS = 90;

    /** Provider setting: the Bot API server ({@code smartchat.plugins.telegram.api-url}). */
    static final ProviderSetting API_URL = ProviderSetting.url("api-url")
            .help("The Bot API server every channel uses, such as a self-hosted one or the emulator: scheme, host "
                    + "and port only. Channels cannot choose another, since their tokens go there.")
            .defaultValue(DEFAULT_API_URL)
            .build();
    /** Provider setting: the long-poll timeout in seconds ({@code smartchat.plugins.telegram.poll-timeout}). */
    static final ProviderSetting POLL_TIMEOUT = ProviderSetting.number("poll-timeout")
            .help("Seconds one long poll (getUpdates) waits for updates.")
            .defaultValue("50")
            .minimum(0)
            .maximum(MAX_POLL_TIMEOUT_SECONDS)
            .build();
    /** Provider setting: {@code max_connections} of webhooks. */
    static final ProviderSetting WEBHOOK_MAX_CONNECTIONS = ProviderSetting.number("webhook-max-connections")
            .help("The most webhook requests Telegram sends a webhook channel at once (max_connections).")
            .defaultValue("40")
            .minimum(1)
            .maximum(100)
            .build();
    /** Provider setting: seconds between two getWebhookInfo checks of a webhook channel. */
    static final ProviderSetting WEBHOOK_CHECK_INTERVAL = ProviderSetting.number("webhook-check-interval")
            .help("Seconds between two getWebhookInfo checks of a webhook channel, which show Telegram's pending "
                    + "updates and last delivery error.")
            .defaultValue("60")
            .minimum(1)
            .build();
    /** What the operator can set for every Telegram channel. */
    static final List<ProviderSetting> SETTINGS = List.of(API_URL, POLL_TIMEOUT, WEBHOOK_MAX_CONNECTIONS,
            WEBHOOK_CHECK_INTERVAL);
    static final String API_URL_SETTING = API_URL.name();
    static final String POLL_TIMEOUT_SETTING = POLL_TIMEOUT.name();
    static final String WEBHOOK_MAX_CONNECTIONS_SETTING = WEBHOOK_MAX_CONNECTIONS.name();
    static final String WEBHOOK_CHECK_INTERVAL_SETTING = WEBHOOK_CHECK_INTERVAL.name();
    /** The "Receive updates by" field: {@link Delivery#value}. */
    static final String DELIVERY = "delivery";
    /**
     * Provider setting the host adds for every provider: its public base address ({@code smartchat.public-url}),
     * absent when it has none. Only validation reads it; a running channel gets its address from the context.
     */
    static final String PUBLIC_URL_SETTING = "public-url";
    /** The ports Telegram delivers webhooks to. */
    static final java.util.Set<Integer> TELEGRAM_WEBHOOK_PORTS = java.util.Set.of(443, 80, 88, 8443);

    static final String NO_PUBLIC_URL_MESSAGE = "Webhook delivery needs the host's public address, and this host has "
            + "none. Ask the operator to set smartchat.public-url (environment variable SMARTCHAT_PUBLIC_URL) to the "
            + "https address at which Telegram can reach this host, or choose Long polling.";
    static final String NO_PUBLIC_URL_FIX = "Set smartchat.public-url (SMARTCHAT_PUBLIC_URL) to the host's public "
            + "https address and restart the host, or switch the channel to Long polling";

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
        TelegramUrl url = parseBaseUrl(setting(settings, API_URL));
        Delivery delivery = delivery(settings);
        return new TelegramConfig(cleanToken, url, display(url),
                Duration.ofSeconds(Integer.parseInt(setting(settings, POLL_TIMEOUT))), delivery,
                Integer.parseInt(setting(settings, WEBHOOK_MAX_CONNECTIONS)),
                Duration.ofSeconds(Integer.parseInt(setting(settings, WEBHOOK_CHECK_INTERVAL))));
    }

    /** The delivery the settings choose; absent (settings older than the field) is long polling. */
    static Delivery delivery(ChannelSettings settings) throws InvalidSetting {
        String value = settings.text(DELIVERY).map(String::strip).filter(text -> !text.isEmpty()).orElse(null);
        if (value == null) {
            return Delivery.POLLING;
        }
        for (Delivery delivery : Delivery.values()) {
            if (delivery.value.equals(value)) {
                return delivery;
            }
        }
        throw new InvalidSetting(DELIVERY, "Receive updates by must be " + Delivery.POLLING.label + " or "
                + Delivery.WEBHOOK.label + ".");
    }

    /**
     * An operator's setting, or its default when the settings have none (a test's, or the conformance kit's): the
     * host checked the operator's value against {@link #SETTINGS} when it loaded the plugin, so a number parses and
     * is in its range.
     */
    private static String setting(ChannelSettings settings, ProviderSetting setting) {
        return settings.providerSetting(setting.name()).map(String::strip).orElse(setting.defaultValue());
    }

    /** Whether the settings receive by webhook. */
    boolean webhook() {
        return delivery == Delivery.WEBHOOK;
    }

    /** Whether the Bot API server is Telegram's own, which delivers webhooks only to https on a few ports. */
    boolean isTelegramsOwnServer() {
        return apiUrl.getHost().equalsIgnoreCase("api.telegram.org");
    }

    /**
     * Why Telegram could not deliver webhooks to this address, or {@code null} when it can. Telegram's own server
     * needs https on port 443, 80, 88 or 8443; a self-hosted Bot API server (and the emulator) takes any http(s)
     * address.
     *
     * @param address the host's public base address or a webhook address under it
     */
    String webhookAddressProblem(String address) {
        URI uri;
        try {
            uri = new URI(address.strip());
        } catch (URISyntaxException e) {
            return "The host's public address (smartchat.public-url) is not an address: " + address + ". Ask the "
                    + "operator to set it to the host's https address, such as https://chat.example.com, or choose "
                    + "Long polling.";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            return "The host's public address (smartchat.public-url) must be an https address such as "
                    + "https://chat.example.com, not " + address + ". Ask the operator to correct it, or choose Long "
                    + "polling.";
        }
        if (isTelegramsOwnServer()) {
            int port = uri.getPort() > 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
            if (!scheme.equals("https") || !TELEGRAM_WEBHOOK_PORTS.contains(port)) {
                return "Telegram delivers webhooks only to https addresses on port 443, 80, 88 or 8443, and this "
                        + "host's public address (smartchat.public-url) is " + origin(uri) + ". Ask the operator to "
                        + "publish the host at such an address (for example behind a reverse proxy with a TLS "
                        + "certificate), or choose Long polling.";
            }
        }
        return null;
    }

    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
    }

    static final String TOKEN_HELP = "BotFather gives it when you create a bot with /newbot; /token issues a new one.";

    /** The operator's Bot API address; a bad one is told on the token, the one thing it keeps from being checked. */
    private static TelegramUrl parseBaseUrl(String text) throws InvalidSetting {
        String where = TOKEN;
        String origin = "The token cannot be checked: the platform's Bot API server (smartchat.plugins.telegram.api-url, "
                + "set by the operator)";
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new InvalidSetting(where, origin + " is not an address: it takes the form https://host[:port].");
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
        return "TelegramConfig[apiUrl=" + baseUrl + ", pollTimeout=" + pollTimeout + ", delivery=" + delivery + "]";
    }
}
