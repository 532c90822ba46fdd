package com.smartchat.example;

import com.smartchat.channel.spi.Channel;
import com.smartchat.channel.spi.ChannelContext;
import com.smartchat.channel.spi.ChannelProvider;
import com.smartchat.channel.spi.ChannelSettings;
import com.smartchat.channel.spi.FormField;
import com.smartchat.channel.spi.FormSchema;
import com.smartchat.channel.spi.IdentityPreview;
import com.smartchat.channel.spi.RateLimit;
import com.smartchat.channel.spi.ValidationResult;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Echo: a channel that talks to no network. Every message the host sends through it comes back as a message from
 * an audience member, so the whole inbox loop (first contact, greeting, reply, blocked member) runs in demos and
 * tests without a network. It is also the example plugin: its form uses every {@link com.smartchat.channel.spi.FieldType},
 * and it bundles its own Jackson, in a version no other plugin uses.
 *
 * <p>What a channel does with a sent message, by its text (see {@link EchoChannel}):
 * <ul>
 *   <li>{@code Hello} sent to conversation {@code alice} comes back from member {@code alice} in conversation
 *       {@code alice}, shaped by the Reply template, Shout and Echo as fields;</li>
 *   <li>{@code /as bob Hi there}, sent to any conversation, comes back as {@code Hi there} from member {@code bob}
 *       in conversation {@code bob}: that is how a test makes a given member write, for example for a first
 *       contact;</li>
 *   <li>{@code /block} makes the conversation's member block the channel: a
 *       {@link com.smartchat.channel.spi.InboundEvent.MemberBlocked} comes back, and later sends to that
 *       conversation fail with {@link com.smartchat.channel.spi.FailureKind#RECIPIENT_BLOCKED} until the member
 *       writes again through {@code /as}.</li>
 * </ul>
 *
 * <p>Echo is also the example of a network that pushes: while a channel runs, another system can write as a member by
 * posting to the channel's webhook address (shown on its page when the host has {@code smartchat.public-url}) the
 * JSON {@code {"id": "m-1", "from": "alice", "text": "Hi"}} (ids of letters, digits, {@code _ . -}), signed in the
 * header {@code X-Echo-Signature: sha256=<hex HMAC-SHA256 of the body, keyed by the API key>}. A {@code GET} with
 * {@code ?challenge=<text>} signed the same way over the challenge is answered with the challenge: the handshake other
 * networks make before they use an address. See {@link EchoWebhook}.
 *
 * <p>The API key is checked for meaning, not against a server: a key that starts with {@code echo_} works, except
 * {@code echo_revoked}, which stands for a revoked key.
 */
public final class EchoProvider implements ChannelProvider {

    static final String API_KEY = "apiKey";
    static final String BOT_NAME = "botName";
    static final String TEMPLATE = "template";
    static final String SHOUT = "shout";
    static final String DELAY_MILLIS = "delayMillis";
    static final String FORMAT = "format";
    static final String LINK = "link";

    static final String KEY_PREFIX = "echo_";
    static final String REVOKED_KEY = "echo_revoked";
    static final String DEFAULT_BOT_NAME = "Echo";
    static final String TEXT_PLACEHOLDER = "{text}";
    static final String FORMAT_TEXT = "text";
    static final String FORMAT_JSON = "json";
    static final long MAX_DELAY_MILLIS = 10_000;

    private static final FormSchema SCHEMA = FormSchema.builder()
            .field(FormField.secret(API_KEY)
                    .label("API key")
                    .help("Any key that starts with echo_ works; echo_revoked shows what a revoked key does.")
                    .placeholder("echo_demo_key")
                    .required()
                    .minLength(8)
                    .maxLength(64)
                    .pattern("[A-Za-z0-9_]+", "An API key has only letters, digits and underscores, such as "
                            + "echo_demo_key.")
                    .build())
            .field(FormField.text(BOT_NAME)
                    .label("Bot name")
                    .help("The name of the account that echoes, shown on the channel's page.")
                    .placeholder(DEFAULT_BOT_NAME)
                    .maxLength(64)
                    .defaultValue(DEFAULT_BOT_NAME)
                    .build())
            .field(FormField.multilineText(TEMPLATE)
                    .label("Reply template")
                    .help("How each echo reads: {text} stands for the message you sent.")
                    .placeholder("You said:\n{text}")
                    .maxLength(1000)
                    .pattern("[\\w\\W]*\\{text\\}[\\w\\W]*",
                            "The reply template must contain {text}, where the message goes.")
                    .defaultValue(TEXT_PLACEHOLDER)
                    .build())
            .field(FormField.bool(SHOUT)
                    .label("Shout")
                    .help("Echo messages in capital letters.")
                    .defaultValue("false")
                    .build())
            .field(FormField.number(DELAY_MILLIS)
                    .label("Echo delay (milliseconds)")
                    .help("How long an echo takes to come back, from 0 to " + MAX_DELAY_MILLIS + ".")
                    .placeholder("0")
                    .minimum(0)
                    .maximum(MAX_DELAY_MILLIS)
                    .defaultValue("0")
                    .build())
            .field(FormField.choice(FORMAT)
                    .label("Echo as")
                    .help("JSON wraps each echo with its conversation, as some networks' raw payloads look.")
                    .choice(FORMAT_TEXT, "Plain text")
                    .choice(FORMAT_JSON, "JSON")
                    .defaultValue(FORMAT_TEXT)
                    .build())
            .field(FormField.url(LINK)
                    .label("Public link")
                    .help("Optional. Where your audience finds this channel; shown on the channel's page.")
                    .placeholder("https://example.com/chat")
                    .build())
            .build();

    private static final String LOGO = """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" role="img" aria-label="Echo">
              <path d="M12 8h40a8 8 0 0 1 8 8v24a8 8 0 0 1-8 8H28l-12 10v-10h-4a8 8 0 0 1-8-8V16a8 8 0 0 1 8-8z"
                    fill="#2f80ed"/>
              <path d="M24 28a8 8 0 0 1 16 0M18 28a14 14 0 0 1 28 0" fill="none" stroke="#ffffff" stroke-width="4"
                    stroke-linecap="round"/>
            </svg>
            """;

    /** Why an API key does not work, in the words an admin acts on. */
    enum KeyProblem {
        NOT_AN_ECHO_KEY("This is not an Echo API key: Echo keys start with echo_.",
                "Paste the key from your Echo account, or echo_demo_key to try Echo out."),
        REVOKED("This API key was revoked.", "Create a new key in your Echo account and paste it here.");

        final String reason;
        final String fixHint;

        KeyProblem(String reason, String fixHint) {
            this.reason = reason;
            this.fixHint = fixHint;
        }

        /** The key's problem, or {@code null} when it works. */
        static KeyProblem of(String key) {
            if (!key.strip().startsWith(KEY_PREFIX)) {
                return NOT_AN_ECHO_KEY;
            }
            return key.strip().equals(REVOKED_KEY) ? REVOKED : null;
        }
    }

    @Override
    public String id() {
        return "echo";
    }

    @Override
    public String displayName() {
        return "Echo";
    }

    @Override
    public String description() {
        return "Sends every message back as if a member of your audience wrote it. Use it to try SmartChat, and in "
                + "tests: it needs no account and no network.";
    }

    @Override
    public String logoSvg() {
        return LOGO;
    }

    @Override
    public String spiVersion() {
        return SPI_VERSION;
    }

    @Override
    public FormSchema schema() {
        return SCHEMA;
    }

    /**
     * Checks the form's shape as the host does, so that every problem comes back at once even when called
     * directly, then what the shape cannot say: whether the API key works.
     */
    @Override
    public ValidationResult validate(ChannelSettings settings) {
        Map<String, List<String>> shapeProblems = SCHEMA.check(settings.values());
        ValidationResult.Builder result = ValidationResult.builder().errors(shapeProblems);
        if (!shapeProblems.containsKey(API_KEY)) {
            settings.secret(API_KEY)
                    .map(key -> KeyProblem.of(key.reveal()))
                    .ifPresent(problem -> result.error(API_KEY, problem.reason + " " + problem.fixHint));
        }
        ValidationResult found = result.build();
        return found.valid() ? ValidationResult.valid(preview(EchoSettings.of(settings))) : found;
    }

    private static IdentityPreview preview(EchoSettings settings) {
        String username = settings.botName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
        return new IdentityPreview("echo:" + username, settings.botName(), username, settings.link(),
                List.of("Echo sends nothing to any network: every message you send comes back to your inbox."));
    }

    /** Yes: see above. */
    @Override
    public boolean receivesWebhooks() {
        return true;
    }

    @Override
    public Channel open(ChannelContext context) {
        return new EchoChannel(context);
    }

    /** Like a chat network's: a few messages a second to one person, more to everyone together. */
    @Override
    public List<RateLimit> rateLimits() {
        return List.of(
                new RateLimit(RateLimit.Scope.CONVERSATION, 5, Duration.ofSeconds(1), 5),
                new RateLimit(RateLimit.Scope.CHANNEL, 50, Duration.ofSeconds(1), 20));
    }
}
