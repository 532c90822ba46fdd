package com.smartchat.telegram;

import com.smartchat.channel.spi.Channel;
import com.smartchat.channel.spi.ChannelContext;
import com.smartchat.channel.spi.ChannelProvider;
import com.smartchat.channel.spi.ChannelSettings;
import com.smartchat.channel.spi.FormField;
import com.smartchat.channel.spi.FormSchema;
import com.smartchat.channel.spi.IdentityPreview;
import com.smartchat.channel.spi.ProviderSetting;
import com.smartchat.channel.spi.RateLimit;
import com.smartchat.channel.spi.ValidationResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.telegram.telegrambots.client.okhttp.OkHttpTelegramClient;
import org.telegram.telegrambots.meta.api.methods.GetMe;
import org.telegram.telegrambots.meta.api.objects.User;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;

/**
 * Telegram bots as SmartChat channels, on TelegramBots. An admin pastes the bot's token from BotFather and chooses
 * how updates arrive: by long polling (the default; works behind NAT) or by webhook (needs the host's public
 * address); the channel sends through the Bot API.
 *
 * <p>Host settings ({@code smartchat.plugins.telegram.*}), declared in {@link #providerSettings()}: {@code api-url},
 * the Bot API server every channel uses (default {@code https://api.telegram.org}; a channel cannot choose another,
 * since its token goes there); {@code poll-timeout}, the seconds one long poll waits (default 50, at most 90);
 * {@code webhook-max-connections}, Telegram's {@code max_connections} for webhooks (default 40, 1-100);
 * {@code webhook-check-interval}, the seconds between two getWebhookInfo checks of a webhook channel (default 60).
 * The host adds {@code public-url}, its public address, which validation needs to accept webhook mode.
 *
 * <p>Form versions: 1 had no "Receive updates by" field (every channel polled); 2 adds it, and
 * {@link #migrateSettings} gives version 1 settings {@code delivery=polling}; 3 drops the channel's own "Bot API
 * server" field ({@code apiUrl}), and {@link #migrateSettings} drops its stored value.
 *
 * <p>Validation messages never repeat what the server answered: they say in Telegram's terms which of a few things
 * happened (the token was refused, the server could not be reached, the server's answer was not the Bot API's).
 */
public final class TelegramChannelProvider implements ChannelProvider {

    /** This provider's id. */
    public static final String ID = "telegram";

    /** The form's version: 2 added "Receive updates by", 3 dropped "Bot API server". */
    static final int SCHEMA_VERSION = 3;

    static final String TOKEN_REFUSED = "Telegram refused this token: it is wrong or was revoked. Copy it again from "
            + "@BotFather, or send /token to @BotFather to get a new one, and paste it here.";
    static final String UNREACHABLE = "The Bot API server could not be reached, so the token was not checked. Try "
            + "again in a moment; if this goes on, ask the operator to check the platform's connection to Telegram.";
    static final String NOT_THE_BOT_API = "The Bot API server answered something that is not a Bot API answer, so the "
            + "token was not checked. Ask the operator to check the platform's Bot API server "
            + "(smartchat.plugins.telegram.api-url).";
    static final String ASKS_TO_WAIT = "Telegram asks to wait before checking again, so the token was not checked. "
            + "Try again in a minute.";
    static final String CANNOT_CHECK_NOW = "Telegram could not check the token now, so it was not checked. Try again "
            + "in a moment.";

    private static final System.Logger log = System.getLogger(TelegramChannelProvider.class.getName());

    private static final FormSchema SCHEMA = FormSchema.builder()
            .version(SCHEMA_VERSION)
            .field(FormField.secret(TelegramConfig.TOKEN)
                    .label("Token")
                    .help(TelegramConfig.TOKEN_HELP)
                    .placeholder(TelegramConfig.TOKEN_EXAMPLE)
                    .required()
                    .maxLength(200)
                    .pattern(TelegramConfig.TOKEN_PATTERN.pattern(), TelegramConfig.TOKEN_SHAPE_MESSAGE)
                    .build())
            .field(FormField.choice(TelegramConfig.DELIVERY)
                    .label("Receive updates by")
                    .help("Long polling works anywhere, also behind NAT or a firewall. A webhook lets Telegram push "
                            + "each message to this platform at once, which scales to large fleets, but it needs the "
                            + "platform's public https address (set by the operator).")
                    .choice(TelegramConfig.Delivery.POLLING.value, TelegramConfig.Delivery.POLLING.label)
                    .choice(TelegramConfig.Delivery.WEBHOOK.value, TelegramConfig.Delivery.WEBHOOK.label)
                    .defaultValue(TelegramConfig.Delivery.POLLING.value)
                    .build())
            .build();

    /**
     * Telegram's limits: about 1 message a second per chat (short bursts allowed), 20 a minute per group, 30 a second
     * per bot. A group's 20 a minute may all come early in the minute (the per-chat limit still spaces them a second
     * apart after 3); a burst of 3 would hold a busy group to one message every 3 seconds.
     */
    private static final List<RateLimit> RATE_LIMITS = List.of(
            new RateLimit(RateLimit.Scope.CONVERSATION, 1, Duration.ofSeconds(1), 3),
            new RateLimit(RateLimit.Scope.GROUP_CONVERSATION, 20, Duration.ofMinutes(1), 20),
            new RateLimit(RateLimit.Scope.CHANNEL, 30, Duration.ofSeconds(1), 30));

    /** The client every channel of this provider shares, until {@link #close()}; {@code null} until needed. */
    private SharedHttp http;

    /** For {@link java.util.ServiceLoader}: does nothing. */
    public TelegramChannelProvider() {
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String displayName() {
        return "Telegram";
    }

    @Override
    public String description() {
        return "Connect a Telegram bot: people who write to it reach your inbox, and your agents answer them in "
                + "Telegram. Create the bot with @BotFather and paste its token here.";
    }

    @Override
    public String logoSvg() {
        return Logo.SVG;
    }

    @Override
    public String spiVersion() {
        return SPI_VERSION;
    }

    @Override
    public FormSchema schema() {
        return SCHEMA;
    }

    @Override
    public List<RateLimit> rateLimits() {
        return RATE_LIMITS;
    }

    /** The Bot API server, the long poll's length and the webhooks' tuning: see the class documentation. */
    @Override
    public List<ProviderSetting> providerSettings() {
        return TelegramConfig.SETTINGS;
    }

    /** Yes: a channel set to receive updates by webhook registers its address with Telegram itself. */
    @Override
    public boolean receivesWebhooks() {
        return true;
    }

    @Override
    public Channel open(ChannelContext context) {
        return new TelegramChannel(context, http());
    }

    /** Ends the client the channels shared (the host stopped them all before). */
    @Override
    public void close() {
        SharedHttp closing;
        synchronized (this) {
            closing = http;
            http = null;
        }
        if (closing != null) {
            closing.close();
        }
    }

    /** The client of this provider's channels and checks, made when first needed: the constructor does no work. */
    private synchronized SharedHttp http() {
        if (http == null) {
            http = new SharedHttp();
        }
        return http;
    }

    /**
     * Version 1 settings polled, as there was no choice: they say so now. A channel's own Bot API server (versions 1
     * and 2) is dropped: the channel goes on with the operator's, which it was already using unless someone had
     * set one; that is logged, once, as the host saves the migrated settings.
     */
    @Override
    public Map<String, Object> migrateSettings(int fromVersion, Map<String, Object> values) {
        Map<String, Object> migrated = new LinkedHashMap<>(values);
        if (fromVersion < 2) {
            migrated.putIfAbsent(TelegramConfig.DELIVERY, TelegramConfig.Delivery.POLLING.value);
        }
        if (fromVersion < 3 && migrated.remove(TelegramConfig.FORMER_API_URL_FIELD) != null) {
            log.log(System.Logger.Level.WARNING, "A Telegram channel had a Bot API server of its own; it now uses the "
                    + "platform's (smartchat.plugins.telegram.api-url), as a channel may no longer choose where its "
                    + "token is sent");
        }
        return migrated;
    }

    /**
     * Checks the token's shape, the server address and whether webhook mode can work on this host, then asks
     * Telegram ({@code getMe}, within a few seconds) whose token it is. Telegram being unreachable is told apart
     * from a rejected token.
     */
    @Override
    public ValidationResult validate(ChannelSettings settings) {
        ValidationResult.Builder result = ValidationResult.builder();
        TelegramConfig config;
        try {
            config = TelegramConfig.from(settings);
        } catch (TelegramConfig.InvalidSetting e) {
            result.error(e.field(), e.getMessage());
            if (e.field().equals(TelegramConfig.TOKEN)) {
                // the address may be wrong too: say so now rather than after the next try
                try {
                    TelegramConfig other = TelegramConfig.from(settings.withValues(withExampleToken(settings)));
                    webhookProblem(other, settings).ifPresent(problem -> result.error(TelegramConfig.DELIVERY, problem));
                } catch (TelegramConfig.InvalidSetting other) {
                    if (!other.getMessage().equals(e.getMessage())) {
                        result.error(other.field(), other.getMessage());
                    }
                }
            }
            return result.build();
        }
        webhookProblem(config, settings).ifPresent(problem -> result.error(TelegramConfig.DELIVERY, problem));
        try {
            OkHttpTelegramClient client = new OkHttpTelegramClient(Json.MAPPER, http().probe(), config.rawToken(),
                    config.apiUrl());
            User me = client.execute(new GetMe());
            if (me == null || me.getId() == null) {
                return result.error(TelegramConfig.TOKEN, NOT_THE_BOT_API).build();
            }
            if (!Boolean.TRUE.equals(me.getIsBot())) {
                return result.error(TelegramConfig.TOKEN, "This token belongs to a user account, not a bot. Create a "
                        + "bot with /newbot in @BotFather and paste the bot's token.").build();
            }
            List<String> warnings = new ArrayList<>();
            if (!Boolean.TRUE.equals(me.getCanReadAllGroupMessages())) {
                warnings.add("Privacy mode is on: in groups this bot sees only commands, replies to it and messages "
                        + "that mention it. To receive every group message, send /setprivacy to @BotFather, choose "
                        + "the bot and select Disable.");
            }
            String username = me.getUserName();
            String name = me.getFirstName() == null || me.getFirstName().isBlank()
                    ? (username == null ? String.valueOf(me.getId()) : username) : me.getFirstName();
            return result.preview(new IdentityPreview(String.valueOf(me.getId()), name, username,
                    username == null ? null : "https://t.me/" + username, warnings)).build();
        } catch (TelegramApiException | RuntimeException e) {
            // TelegramBots fails with a null pointer on some bodies that are not the Bot API's: the same as others
            return result.error(TelegramConfig.TOKEN, validationMessage(e)).build();
        }
    }

    /** Why webhook mode cannot work with these settings on this host; empty for polling or when it can. */
    private static Optional<String> webhookProblem(TelegramConfig config, ChannelSettings settings) {
        if (!config.webhook()) {
            return Optional.empty();
        }
        Optional<String> publicUrl = settings.providerSetting(TelegramConfig.PUBLIC_URL_SETTING)
                .map(String::strip).filter(text -> !text.isEmpty());
        if (publicUrl.isEmpty()) {
            return Optional.of(TelegramConfig.NO_PUBLIC_URL_MESSAGE);
        }
        return Optional.ofNullable(config.webhookAddressProblem(publicUrl.get()));
    }

    /**
     * One of a few fixed messages: nothing the server said reaches the admin, so a form cannot be used to read what
     * answers at an address. A Bot API error (its JSON with {@code error_code}) is Telegram's verdict; no answer at
     * all is "unreachable"; anything else that came back, whatever it was, is "not the Bot API".
     */
    static String validationMessage(Throwable failure) {
        int code = Failures.errorCode(failure);
        if (code != 0) {
            return switch (code) {
                case 401, 404 -> TOKEN_REFUSED; // Telegram answers 404 to a token of the right shape it never issued
                case 429 -> ASKS_TO_WAIT;
                default -> CANNOT_CHECK_NOW;
            };
        }
        return Failures.noAnswer(failure) ? UNREACHABLE : NOT_THE_BOT_API;
    }

    private static java.util.Map<String, Object> withExampleToken(ChannelSettings settings) {
        java.util.Map<String, Object> values = new java.util.LinkedHashMap<>(settings.values());
        values.put(TelegramConfig.TOKEN, com.smartchat.channel.spi.Secret.of(TelegramConfig.TOKEN_EXAMPLE));
        return values;
    }
}
