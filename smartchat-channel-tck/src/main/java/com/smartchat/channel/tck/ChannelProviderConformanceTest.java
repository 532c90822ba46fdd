package com.smartchat.channel.tck;

import com.smartchat.channel.spi.Channel;
import com.smartchat.channel.spi.ChannelContext;
import com.smartchat.channel.spi.ChannelException;
import com.smartchat.channel.spi.ChannelProvider;
import com.smartchat.channel.spi.ChannelSettings;
import com.smartchat.channel.spi.ChannelState;
import com.smartchat.channel.spi.ChannelStatus;
import com.smartchat.channel.spi.DeliveryException;
import com.smartchat.channel.spi.FailureKind;
import com.smartchat.channel.spi.FieldType;
import com.smartchat.channel.spi.FormField;
import com.smartchat.channel.spi.FormSchema;
import com.smartchat.channel.spi.InboundEvent;
import com.smartchat.channel.spi.OutboundMessage;
import com.smartchat.channel.spi.ProviderSetting;
import com.smartchat.channel.spi.RateLimit;
import com.smartchat.channel.spi.Secret;
import com.smartchat.channel.spi.SendReceipt;
import com.smartchat.channel.spi.SpiVersion;
import com.smartchat.channel.spi.ValidationResult;
import com.smartchat.channel.spi.WebhookRequest;
import com.smartchat.channel.spi.WebhookResponse;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The conformance kit: the rules every {@link ChannelProvider} must obey, as JUnit tests. Extend this class in your
 * plugin's tests, return your provider and settings that work, and run your tests:
 * <pre>{@code
 * class AcmeProviderConformanceTest extends ChannelProviderConformanceTest {
 *     @Override
 *     protected ChannelProvider provider() {
 *         return new AcmeProvider();
 *     }
 *
 *     @Override
 *     protected ChannelSettings validSettings() {
 *         // point the provider at a test server your test starts, never at the real network
 *         return new ChannelSettings(1,
 *                 Map.of("name", "Support", "token", Secret.of("acme_test_token")),
 *                 Map.of("api-url", fakeAcme.url()));
 *     }
 * }
 * }</pre>
 *
 * <p>Each test checks one rule and, when the provider breaks it, says which rule and how to fix it. The rules:
 * <ul>
 *   <li><b>Identity</b>: {@link #idIsLowerCaseLettersDigitsAndDashes()},
 *       {@link #displayNameAndDescriptionArePresent()}, {@link #spiVersionIsOneThisSpiCanRun()},
 *       {@link #logoIsASelfContainedSvg()}.</li>
 *   <li><b>Form</b>: {@link #schemaIsWellFormed()}, {@link #credentialFieldsAreSecret()},
 *       {@link #schemaIsTheSameOnEveryCall()}, {@link #defaultValuesFitTheirFields()}.</li>
 *   <li><b>Validation</b>: {@link #validateAcceptsValidSettings()},
 *       {@link #validateReportsEveryRequiredFieldOfAnEmptyForm()}.</li>
 *   <li><b>Secrets</b>: {@link #rejectedSecretNeverLeaks()}, {@link #acceptedSecretNeverLeaks()}.</li>
 *   <li><b>Lifecycle</b>: {@link #openReturnsAChannelWithoutStartingWork()}, {@link #startThenStopWithinBound()},
 *       {@link #stopTwiceIsSafe()}, {@link #startStopStartStopWorks()}, {@link #stopEndsEveryTaskTheChannelStarted()},
 *       {@link #stopAfterFailedStartIsSafe()}, {@link #stopWithoutStartIsSafe()},
 *       {@link #statusIsNeverNullAndNeverThrows()}.</li>
 *   <li><b>Receiving</b>: {@link #aFailedDeliveryIsDeliveredAgain()},
 *       {@link #nothingIsConfirmedBeforeDeliverReturned()}.</li>
 *   <li><b>Sending</b>: {@link #rateLimitsAreWellFormed()}.</li>
 *   <li><b>Webhooks</b>, for a provider whose {@link ChannelProvider#receivesWebhooks()} is {@code true} (skipped
 *       for others): {@link #webhookRefusesWhatIsNotAuthentic()},
 *       {@link #webhookAnswersSoThatTheNetworkResendsWhenNothingWasStored()},
 *       {@link #aResentWebhookIsStoredOnce()}, {@link #startWithoutAWebhookAddressRunsOrSaysWhatToSet()}.</li>
 * </ul>
 * Every channel the kit opens gets a fresh {@link TestChannelContext}, closed at the end of the test. The kit calls
 * {@link #provider()} and {@link #validSettings()} afresh in each test that needs them, so start the servers they
 * point at in a {@code @BeforeAll} or {@code @BeforeEach} method of your subclass. The rules are final methods: adapt
 * the kit to your network through the protected hooks, {@link #startStopBound()},
 * {@link #settingsThatFailToStart()}, {@link #sendEvent(Channel)}, {@link #deliveryBound()} and, for webhooks,
 * {@link #webhookUrl()}, {@link #authenticWebhook(ChannelContext)} and {@link #forgedWebhooks(WebhookRequest)}.
 */
public abstract class ChannelProviderConformanceTest {

    private static final Pattern ID = Pattern.compile("[a-z][a-z0-9-]*");

    /** Words that name a credential, found in a field name split at camel case, underscores and dashes. */
    private static final Set<String> CREDENTIAL_WORDS = Set.of(
            "token", "secret", "password", "passwd", "pwd", "passphrase", "key", "apikey", "credential", "credentials");

    private static final Pattern EXTERNAL_URL_IN_CSS = Pattern.compile("url\\(\\s*['\"]?\\s*(https?:)?//",
            Pattern.CASE_INSENSITIVE);

    /** A secret shorter than this could appear by chance, so the kit does not look for it. */
    private static final int SHORTEST_TRACEABLE_SECRET = 8;

    private static final String OPEN_SLOW = "open() must only create the channel: connect in start(), not in open().";
    private static final String START_SLOW = "start() must return once receiving has begun: run long-lived work, "
            + "such as a polling loop, on context.executor().";
    private static final String STOP_SLOW = "stop() must return within a few seconds: cancel or interrupt the "
            + "channel's tasks and close its connections rather than wait for the network.";
    private static final String STATUS_SLOW = "status() must be cheap: return the condition the channel keeps, "
            + "without calling the network.";
    private static final String VALIDATE_SLOW = "validate() must return within a few seconds, or the host gives up: "
            + "put a timeout on every network call.";
    private static final String STOP_THROWS = "stop() must never throw: catch what goes wrong while stopping, log it "
            + "through context.logger(), and release the rest.";

    /**
     * The provider under test, as the host would create it through {@link java.util.ServiceLoader}. Called afresh in
     * each test.
     */
    protected abstract ChannelProvider provider();

    /**
     * Settings that pass the schema's checks and {@link ChannelProvider#validate}, and let a channel start: point
     * them at a test server (an emulator of the network) that your test class starts, through
     * {@link ChannelSettings#providerConfig()} for example. Include the standard {@link FormSchema#NAME} field.
     * Called afresh in each test that validates or opens a channel.
     */
    protected abstract ChannelSettings validSettings();

    /**
     * How long {@code open}, {@code start}, {@code stop}, {@code status} and {@code validate} may each take before
     * the kit calls them hung. Five seconds by default; raise it only when your test server is slow to answer.
     */
    protected Duration startStopBound() {
        return Duration.ofSeconds(5);
    }

    /**
     * Settings with which {@link Channel#start()} must throw a {@link ChannelException}, used to prove that
     * {@code stop()} after a failed start is safe. By default, {@link #validSettings()} with every secret replaced
     * by {@code invalid-credential}, or {@code null} when the form has no secret. Return {@code null} to skip that
     * check, for example when your channel can only find out that a credential is wrong after it started.
     */
    protected ChannelSettings settingsThatFailToStart() {
        Map<String, String> invalid = new LinkedHashMap<>();
        secretFields(schemaOrAbort()).forEach(field -> invalid.put(field.name(), "invalid-credential"));
        return invalid.isEmpty() ? null : withSecrets(validSettings(), invalid);
    }

    /**
     * Makes your test network send the channel one new inbound event, such as a message from a user, for the rules
     * on receiving. The kit calls it once the channel, opened with {@link #validSettings()}, started. By default it
     * returns {@code false} and those rules are skipped: override it to have them checked, which you should.
     *
     * @param channel the running channel, for a network that reaches the channel through it
     * @return {@code true} once the network sent the event
     */
    protected boolean sendEvent(Channel channel) throws Exception {
        return false;
    }

    /**
     * How long the kit waits for the channel to deliver an event its network sent, pauses and retries after a failed
     * delivery included. Thirty seconds by default.
     */
    protected Duration deliveryBound() {
        return Duration.ofSeconds(30);
    }

    /**
     * The webhook address the kit gives every channel it opens ({@link ChannelContext#webhookUrl()}), when the
     * provider {@linkplain ChannelProvider#receivesWebhooks() receives webhooks}; only
     * {@link #startWithoutAWebhookAddressRunsOrSaysWhatToSet()} opens one without. The kit plays the host and the
     * network itself: nothing is ever sent to this address. {@code https://smartchat.test/hooks/conformance-kit} by
     * default; override it when your channel registers the address with your test network and needs another.
     *
     * @since 1.4
     */
    protected String webhookUrl() {
        return "https://smartchat.test/hooks/conformance-kit";
    }

    /**
     * A request as your network would push it to a channel opened with {@link #validSettings()} in this context:
     * authentic (signed, or with the secret header, as the network does it for these settings and
     * {@link ChannelContext#channelId()}) and carrying one new event, with an id not used before. The webhook rules
     * call it once per request they need. Return {@code null} (the default) when the provider does not receive
     * webhooks; a provider that does must override it, or those rules fail.
     *
     * @param context the channel's context: its settings, id and webhook address
     * @since 1.4
     */
    protected WebhookRequest authenticWebhook(ChannelContext context) throws Exception {
        return null;
    }

    /**
     * Requests that look like {@code authentic} but do not come from the network, which the channel must refuse. By
     * default one: {@code authentic} without any header, which is right for networks that sign or authenticate in a
     * header. Override it when yours authenticates otherwise (a token in the query, a signature in the body), and
     * add what an attacker could try (a signature of another body, an old timestamp).
     *
     * @since 1.4
     */
    protected List<WebhookRequest> forgedWebhooks(WebhookRequest authentic) {
        return List.of(new WebhookRequest(Map.of(), authentic.body(), authentic.method(), authentic.parameters()));
    }

    // ---------------------------------------------------------------------------------------------------- identity

    /** {@link ChannelProvider#id()} is lower case letters, digits and dashes, starting with a letter. */
    @Test
    public final void idIsLowerCaseLettersDigitsAndDashes() {
        String id = provider().id();
        if (id == null || !ID.matcher(id).matches()) {
            fail("id() must be lower case letters, digits and dashes, starting with a letter, such as \"telegram\" or "
                    + "\"web-chat\", but was " + quote(id) + ". The id is stored with every channel and names the "
                    + "provider's host settings (smartchat.plugins.<id>.*): choose it once and never change it.");
        }
    }

    /**
     * {@link ChannelProvider#providerSettings()} names each setting once, and, when it declares any, the host
     * settings of {@link #validSettings()} are declared and accepted, as a host would check them at load time.
     *
     * @since 1.4
     */
    @Test
    public final void operatorSettingsAreDeclaredOnceAndCoverTheValidSettings() {
        List<ProviderSetting> declared = provider().providerSettings();
        if (declared == null) {
            fail("providerSettings() returned null: return List.of() when the provider declares none.");
        }
        Map<String, ProviderSetting> byName = new HashMap<>();
        for (ProviderSetting setting : declared) {
            if (byName.put(setting.name(), setting) != null) {
                fail("providerSettings() declares " + quote(setting.name()) + " twice: a host refuses the plugin.");
            }
        }
        if (declared.isEmpty()) {
            return;
        }
        validSettings().providerConfig().forEach((name, value) -> {
            ProviderSetting setting = byName.get(name);
            if (setting == null && !name.equals("public-url")) { // the host's own, given to every provider
                fail("validSettings() has the host setting " + quote(name) + ", which providerSettings() does not "
                        + "declare: a host refuses the plugin when the operator sets smartchat.plugins."
                        + provider().id() + "." + name + ". Declare it.");
            }
            if (setting != null && !value.isBlank()) {
                setting.check(value).ifPresent(problem -> fail("validSettings() has the host setting " + quote(name)
                        + " that its declaration refuses: it " + problem + "."));
            }
        });
    }

    /** {@link ChannelProvider#displayName()} and {@link ChannelProvider#description()} are not blank. */
    @Test
    public final void displayNameAndDescriptionArePresent() {
        ChannelProvider provider = provider();
        if (isBlank(provider.displayName())) {
            fail("displayName() is " + quote(provider.displayName()) + ": return the name admins see in the Channel "
                    + "Connection menu, such as \"Telegram\".");
        }
        if (isBlank(provider.description())) {
            fail("description() is " + quote(provider.description()) + ": return one or two sentences that tell an "
                    + "admin what connecting this channel does.");
        }
    }

    /** {@link ChannelProvider#spiVersion()} reads as {@code major.minor} and this SPI can run it. */
    @Test
    public final void spiVersionIsOneThisSpiCanRun() {
        String text = provider().spiVersion();
        SpiVersion version;
        try {
            version = SpiVersion.parse(text);
        } catch (IllegalArgumentException e) {
            fail("spiVersion() must be major.minor, such as \"1.0\", but was " + quote(text) + ". Return "
                    + "ChannelProvider.SPI_VERSION: the compiler copies in the version you built against.");
            return;
        }
        if (!SpiVersion.CURRENT.canRun(version)) {
            fail("spiVersion() is " + version + " but this SPI is " + SpiVersion.CURRENT + ", which runs plugins "
                    + "built against " + SpiVersion.CURRENT.major() + ".0 to " + SpiVersion.CURRENT + " only. Build "
                    + "against the SPI your host ships and return ChannelProvider.SPI_VERSION.");
        }
    }

    /**
     * {@link ChannelProvider#logoSvg()}, when present, is an SVG document that runs no script and loads nothing from
     * elsewhere: the host shows it in its own pages.
     */
    @Test
    public final void logoIsASelfContainedSvg() {
        String svg = provider().logoSvg();
        if (svg == null) {
            return;
        }
        Document document;
        try {
            document = parseXml(svg);
        } catch (SAXException | IOException e) {
            fail("logoSvg() is not a well-formed SVG document: " + e.getMessage() + ". Return the text of an .svg "
                    + "file, without a DOCTYPE, or null when there is no logo.");
            return;
        }
        Element root = document.getDocumentElement();
        if (!"svg".equals(root.getLocalName())) {
            fail("logoSvg() must be an SVG document, but its root element is <" + root.getTagName() + ">, not "
                    + "<svg>. Return the text of an .svg file, or null when there is no logo.");
        }
        NodeList elements = document.getElementsByTagName("*");
        for (int i = 0; i < elements.getLength(); i++) {
            Element element = (Element) elements.item(i);
            if ("script".equalsIgnoreCase(element.getLocalName())) {
                fail("logoSvg() contains a <script> element. The host shows logos in its own pages, so a logo must "
                        + "not run code: remove the script.");
            }
            NamedNodeMap attributes = element.getAttributes();
            for (int j = 0; j < attributes.getLength(); j++) {
                checkLogoAttribute(element, (Attr) attributes.item(j));
            }
        }
        if (EXTERNAL_URL_IN_CSS.matcher(svg).find()) {
            fail("logoSvg() loads a url(...) from another address in its style. A logo must be self-contained: "
                    + "draw the shape, or embed the image as a data: URI.");
        }
    }

    private static void checkLogoAttribute(Element element, Attr attribute) {
        String name = attribute.getLocalName() == null ? attribute.getName() : attribute.getLocalName();
        if (name.toLowerCase(Locale.ROOT).startsWith("on")) {
            fail("logoSvg() has an event handler, " + attribute.getName() + " on <" + element.getTagName() + ">. "
                    + "The host shows logos in its own pages, so a logo must not run code: remove the attribute.");
        }
        String value = attribute.getValue().strip().toLowerCase(Locale.ROOT);
        boolean external = value.startsWith("http:") || value.startsWith("https:") || value.startsWith("//");
        if (("href".equals(name) || "src".equals(name)) && external) {
            fail("logoSvg() refers to " + attribute.getValue() + " in " + attribute.getName() + " on <"
                    + element.getTagName() + ">. A logo must be self-contained, so that showing it calls no other "
                    + "server: draw the shape, or embed the image as a data: URI.");
        }
    }

    // -------------------------------------------------------------------------------------------------------- form

    /**
     * {@link ChannelProvider#schema()} returns a schema, without throwing: field names unique and not those of the
     * standard fields, every field labelled (the {@link FormSchema} and {@link FormField} constructors check these),
     * and the values of each choice field distinct.
     */
    @Test
    public final void schemaIsWellFormed() {
        FormSchema schema;
        try {
            schema = provider().schema();
        } catch (RuntimeException e) {
            fail("schema() threw " + describe(e) + ". The host renders every channel's form from schema(), so fix "
                    + "what the message names. Common causes: two fields with one name; a field named '"
                    + FormSchema.NAME + "' or '" + FormSchema.GREETING + "', which are standard fields every channel "
                    + "already has (declare only your own); a field without a label; a choice field without choices.",
                    e);
            return;
        }
        if (schema == null) {
            fail("schema() returned null. Return FormSchema.builder().build() when the provider needs no field of "
                    + "its own.");
        }
    }

    /**
     * A field whose name says it holds a credential ({@code token}, {@code secret}, {@code password}, {@code key},
     * {@code apiKey}...) is a {@link FieldType#SECRET} field, so that the host encrypts it and never shows it.
     */
    @Test
    public final void credentialFieldsAreSecret() {
        for (FormField field : schemaOrAbort().fields()) {
            if (field.type() != FieldType.SECRET && namesACredential(field.name())) {
                fail("Field '" + field.name() + "' looks like a credential but is a " + field.type() + " field. "
                        + "Declare it with FormField.secret(\"" + field.name() + "\"): the host then encrypts it, "
                        + "never sends it back to a browser, and hands it to you as a Secret. If it holds no "
                        + "credential, rename it.");
            }
        }
    }

    /** {@link ChannelProvider#schema()} returns an equal schema on every call: the host reads it more than once. */
    @Test
    public final void schemaIsTheSameOnEveryCall() {
        ChannelProvider provider = provider();
        FormSchema first = schemaOrAbort(provider);
        FormSchema second = schemaOrAbort(provider);
        if (!first.equals(second)) {
            fail("schema() returned different schemas on two calls:\n  first:  " + first + "\n  second: " + second
                    + "\nThe host renders forms and checks settings with whichever call it made last: build the "
                    + "schema from constants only, for example once in a static final field.");
        }
    }

    /**
     * A field's {@link FormField#defaultValue()}, when present, passes the field's own check, and a secret field has
     * none: a default credential would be shared by every channel.
     */
    @Test
    public final void defaultValuesFitTheirFields() {
        for (FormField field : schemaOrAbort().fields()) {
            String text = field.defaultValue();
            if (text == null) {
                continue;
            }
            List<String> problems = field.check(field.type().read(text));
            if (!problems.isEmpty()) {
                fail("Field '" + field.name() + "' starts with the default value " + quote(text) + ", which the field "
                        + "itself rejects: " + problems + ". Make defaultValue(...) a value the field accepts"
                        + (field.type() == FieldType.BOOLEAN ? " (\"true\" or \"false\")"
                        : field.type() == FieldType.NUMBER ? " (a whole number, such as \"10\")" : "") + ".");
            }
        }
    }

    // -------------------------------------------------------------------------------------------------- validation

    /** {@link #validSettings()} pass the schema's checks and {@link ChannelProvider#validate} finds no error in them. */
    @Test
    public final void validateAcceptsValidSettings() throws Exception {
        ChannelProvider provider = provider();
        FormSchema schema = schemaOrAbort(provider);
        ChannelSettings settings = validSettings();
        Map<String, List<String>> shapeProblems = schema.check(settings.values());
        if (!shapeProblems.isEmpty()) {
            fail("validSettings() do not pass the schema's own checks: " + shapeProblems + ". Fix validSettings() in "
                    + "your test class: the host never calls validate() with such settings.");
        }
        ValidationResult result = callSafely("validate(validSettings())", VALIDATE_SLOW,
                "validate() must return its findings, never throw: catch network failures and report them on the "
                        + "field they concern.",
                () -> provider.validate(settings));
        if (result == null) {
            fail("validate(validSettings()) returned null. Return ValidationResult.valid(preview), or "
                    + "ValidationResult.builder().error(field, message).build().");
        }
        if (!result.valid()) {
            fail("validate(validSettings()) found errors: " + result.fieldErrors() + ". Either validate() rejects "
                    + "good settings, or validSettings() do not point at a server that accepts them.");
        }
    }

    /**
     * {@link ChannelProvider#validate} of an empty form (no values, the provider configuration of
     * {@link #validSettings()}) returns, without throwing, an error on every required field of the provider: all
     * problems at once, so an admin fixes the form in one go.
     */
    @Test
    public final void validateReportsEveryRequiredFieldOfAnEmptyForm() throws Exception {
        ChannelProvider provider = provider();
        FormSchema schema = schemaOrAbort(provider);
        ChannelSettings empty = new ChannelSettings(schema.version(), Map.of(), validSettings().providerConfig());
        ValidationResult result = callSafely("validate() of an empty form", VALIDATE_SLOW,
                "validate() must return an error for each missing value, never throw: check that a value is present "
                        + "before you use it.",
                () -> provider.validate(empty));
        if (result == null) {
            fail("validate() of an empty form returned null. Return ValidationResult.builder().error(field, "
                    + "message)...build() with an error for each missing required field.");
        }
        List<String> unreported = schema.fields().stream()
                .filter(FormField::required)
                .map(FormField::name)
                .filter(name -> result.fieldErrors().getOrDefault(name, List.of()).isEmpty())
                .toList();
        if (!unreported.isEmpty()) {
            fail("validate() of an empty form reported no error on required field(s) " + unreported + " (it "
                    + "reported " + result.fieldErrors() + "). Return every problem at once: check every field "
                    + "before you return, instead of stopping at the first problem, so an admin fixes the form in "
                    + "one go. ValidationResult.builder().errors(schema().check(values)) covers what the schema "
                    + "declares.");
        }
        result.fieldErrors().forEach((field, messages) -> {
            if (messages.stream().anyMatch(ChannelProviderConformanceTest::isBlank)) {
                fail("validate() of an empty form returned a blank message on field '" + field + "'. Tell the "
                        + "admin what to do, such as \"Paste the token BotFather gave you.\"");
            }
        });
    }

    // ----------------------------------------------------------------------------------------------------- secrets

    /**
     * A secret the network rejects never shows: the kit puts a canary value in every secret field of
     * {@link #validSettings()}, validates, opens, starts and stops a channel with it, and looks for the canary in
     * validation messages and preview, exceptions and their causes, {@code toString()} of settings, channel and
     * status, log lines, reports, metrics, delivered events, and what was printed to the console.
     */
    @Test
    public final void rejectedSecretNeverLeaks() throws Exception {
        Map<String, String> canaries = new LinkedHashMap<>();
        secretFieldsOrAbort().forEach(field ->
                canaries.put(field.name(), "123456789:CANARY" + UUID.randomUUID().toString().replace("-", "")));
        checkNoLeak(exercise(withSecrets(validSettings(), canaries)), canaries);
    }

    /**
     * A secret the network accepts never shows: as {@link #rejectedSecretNeverLeaks()}, with the secrets of
     * {@link #validSettings()} themselves, and with a message sent through the running channel. Secrets shorter
     * than 8 characters could appear by chance, so the kit does not look for them.
     */
    @Test
    public final void acceptedSecretNeverLeaks() throws Exception {
        ChannelSettings settings = validSettings();
        Map<String, String> secrets = new LinkedHashMap<>();
        for (FormField field : secretFieldsOrAbort()) {
            settings.secret(field.name())
                    .map(Secret::reveal)
                    .filter(value -> value.strip().length() >= SHORTEST_TRACEABLE_SECRET)
                    .ifPresent(value -> secrets.put(field.name(), value));
        }
        assumeTrue(!secrets.isEmpty(), "validSettings() have no secret of " + SHORTEST_TRACEABLE_SECRET
                + " characters or more to look for.");
        checkNoLeak(exercise(settings), secrets);
    }

    /** Where the kit looked for secrets, and what it found there. */
    private record Trace(String where, String text) {
    }

    /** Drives a channel through its life with these settings and collects every text it produced. */
    private List<Trace> exercise(ChannelSettings settings) throws Exception {
        ChannelProvider provider = provider();
        List<Trace> traces = new ArrayList<>();
        traces.add(new Trace("the settings' toString()", settings.toString()));
        try (ConsoleCopy console = new ConsoleCopy(); TestChannelContext context = context(settings)) {
            try {
                ValidationResult result = call("validate()", VALIDATE_SLOW, () -> provider.validate(settings));
                if (result != null) {
                    result.fieldErrors().forEach((field, messages) -> messages.forEach(message ->
                            traces.add(new Trace("validate()'s message on field '" + field + "'", message))));
                    result.identity().ifPresent(preview -> traces.add(new Trace("validate()'s preview", preview.toString())));
                }
            } catch (Exception e) {
                traceThrowable(traces, "the exception validate() threw", e);
            }
            Channel channel;
            try {
                channel = call("open()", OPEN_SLOW, () -> provider.open(context));
            } catch (Exception e) {
                traceThrowable(traces, "the exception open() threw", e);
                channel = null;
            }
            if (channel != null) {
                exerciseChannel(channel, traces);
            }
            traces.add(new Trace("the console", console.text()));
            context.logLines().forEach(line -> {
                traces.add(new Trace("a log line at " + line.level(), line.message()));
                if (line.thrown() != null) {
                    traceThrowable(traces, "the exception logged at " + line.level(), line.thrown());
                }
            });
            context.reports().forEach(status -> traces.add(new Trace("a reported status", status.toString())));
            context.metricNamesAndTags().forEach(tag -> traces.add(new Trace("a metric name or tag", tag)));
            context.events().forEach(event -> traces.add(new Trace("a delivered event", event.toString())));
        }
        return traces;
    }

    private void exerciseChannel(Channel channel, List<Trace> traces) throws Exception {
        boolean started;
        try {
            perform("start()", START_SLOW, channel::start);
            started = true;
        } catch (Exception e) {
            traceThrowable(traces, "the exception start() threw", e);
            started = false;
        }
        if (started) {
            traceSend(channel, traces);
        }
        traceStatus(channel, traces, "status()");
        try {
            perform("stop()", STOP_SLOW, channel::stop);
        } catch (Exception e) {
            traceThrowable(traces, "the exception stop() threw", e);
        }
        traceStatus(channel, traces, "status() after stop()");
        traces.add(new Trace("the channel's toString()", channel.toString()));
    }

    private void traceStatus(Channel channel, List<Trace> traces, String where) {
        try {
            traces.add(new Trace(where, String.valueOf(call("status()", STATUS_SLOW, channel::status))));
        } catch (Exception e) {
            traceThrowable(traces, "the exception " + where + " threw", e);
        }
    }

    /** Sends one message to a made-up conversation: a failure is fine, what it says is checked. */
    private void traceSend(Channel channel, List<Trace> traces) throws InterruptedException {
        try {
            CompletionStage<SendReceipt> stage = channel.send(
                    OutboundMessage.text("conformance-kit", "Hello from the conformance kit"));
            SendReceipt receipt = stage.toCompletableFuture().get(startStopBound().toMillis(), TimeUnit.MILLISECONDS);
            traces.add(new Trace("send()'s receipt", String.valueOf(receipt)));
        } catch (ExecutionException e) {
            traceThrowable(traces, "the failure send() completed with", e.getCause());
        } catch (TimeoutException e) {
            // Not this rule's concern: only what a send says is checked here.
        } catch (RuntimeException e) {
            traceThrowable(traces, "the exception send() threw", e);
        }
    }

    private static void traceThrowable(List<Trace> traces, String where, Throwable thrown) {
        Set<Throwable> seen = new HashSet<>();
        List<Throwable> pending = new ArrayList<>(List.of(thrown));
        while (!pending.isEmpty()) {
            Throwable next = pending.removeFirst();
            if (next == null || !seen.add(next)) {
                continue;
            }
            traces.add(new Trace(next == thrown ? where : where + " (in its cause " + next.getClass().getName() + ")",
                    next.toString()));
            pending.add(next.getCause());
            pending.addAll(List.of(next.getSuppressed()));
        }
    }

    private static void checkNoLeak(List<Trace> traces, Map<String, String> secrets) {
        List<String> leaks = new ArrayList<>();
        secrets.forEach((field, value) -> traces.stream()
                .filter(trace -> trace.text() != null && trace.text().contains(value))
                .forEach(trace -> leaks.add("the value of secret field '" + field + "' appeared in " + trace.where()
                        + ": " + excerpt(trace.text(), value))));
        if (!leaks.isEmpty()) {
            fail("A secret leaked (shown here as ****):\n  " + String.join("\n  ", leaks) + "\nNever put a secret's "
                    + "value, or a URL that contains it, in a validation message, preview, exception, status, log "
                    + "line, metric, event or console output: name the field instead. Wrap exceptions of HTTP "
                    + "clients, whose messages often contain the request URL, in a ChannelException with a message "
                    + "of your own and no cause.");
        }
    }

    private static String excerpt(String text, String secret) {
        String masked = text.replace(secret, "****");
        int at = masked.indexOf("****");
        int from = Math.max(0, at - 160);
        int to = Math.min(masked.length(), at + 164);
        return (from > 0 ? "..." : "") + masked.substring(from, to).replace('\n', ' ') + (to < masked.length() ? "..." : "");
    }

    // --------------------------------------------------------------------------------------------------- lifecycle

    /**
     * {@link ChannelProvider#open} returns a channel at once and starts nothing: no task on the context's executor
     * or scheduler, no event, no report before {@link Channel#start()}.
     */
    @Test
    public final void openReturnsAChannelWithoutStartingWork() throws Exception {
        try (TestChannelContext context = context(validSettings())) {
            open(provider(), context);
            if (context.tasksSubmitted() > 0 || !context.events().isEmpty() || !context.reports().isEmpty()) {
                fail("open() began working before start(): " + context.tasksSubmitted() + " task(s) given to "
                        + "context.executor() or context.scheduler(), " + context.events().size() + " event(s) "
                        + "delivered, " + context.reports().size() + " status(es) reported. open() must only create "
                        + "the channel; the host calls start() next, and reports what goes wrong there to the admin.");
            }
        }
    }

    /**
     * With {@link #validSettings()}, {@link Channel#start()} succeeds, after which {@link Channel#status()} says
     * {@link ChannelState#RUNNING} or {@link ChannelState#DEGRADED}; {@link Channel#stop()} then succeeds, after
     * which the status says neither. Each call returns within {@link #startStopBound()}.
     */
    @Test
    public final void startThenStopWithinBound() throws Exception {
        try (TestChannelContext context = context(validSettings())) {
            Channel channel = open(provider(), context);
            start(channel);
            checkRunning(channel, "after start()");
            stop(channel, "stop()");
            ChannelState state = status(channel, "after stop()").state();
            if (state == ChannelState.RUNNING || state == ChannelState.DEGRADED) {
                fail("status() after stop() still says " + state + ". Once stopped, say so, for example with "
                        + "ChannelStatus.of(STOPPED, null, null): the host shows it in health output.");
            }
        }
    }

    /** A second {@link Channel#stop()} returns at once and does not throw: the host may stop a channel twice. */
    @Test
    public final void stopTwiceIsSafe() throws Exception {
        try (TestChannelContext context = context(validSettings())) {
            Channel channel = open(provider(), context);
            start(channel);
            stop(channel, "the first stop()");
            stop(channel, "a second stop()");
        }
    }

    /** One channel can be started again after it stopped, twice over. */
    @Test
    public final void startStopStartStopWorks() throws Exception {
        try (TestChannelContext context = context(validSettings())) {
            Channel channel = open(provider(), context);
            start(channel);
            stop(channel, "the first stop()");
            startAgain(channel);
            checkRunning(channel, "after the second start()");
            stop(channel, "the second stop()");
        }
    }

    /**
     * After {@link Channel#stop()} returns, every task the channel ran on {@link TestChannelContext#executor()}
     * ends and nothing is left scheduled on {@link TestChannelContext#scheduler()}, within {@link #startStopBound()}.
     */
    @Test
    public final void stopEndsEveryTaskTheChannelStarted() throws Exception {
        try (TestChannelContext context = context(validSettings())) {
            Channel channel = open(provider(), context);
            start(channel);
            stop(channel, "stop()");
            long deadline = System.nanoTime() + startStopBound().toNanos();
            while (context.liveTasks().isPresent() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            context.liveTasks().ifPresent(tasks -> fail("stop() returned " + startStopBound() + " ago but left "
                    + tasks + ". stop() must release everything the channel started: interrupt or cancel its tasks "
                    + "(keep their Futures), and end loops when they are interrupted."));
        }
    }

    /**
     * With {@link #settingsThatFailToStart()}, {@link Channel#start()} throws a {@link ChannelException}, after which
     * {@link Channel#stop()} and {@link Channel#status()} are safe.
     */
    @Test
    public final void stopAfterFailedStartIsSafe() throws Exception {
        ChannelSettings settings = settingsThatFailToStart();
        assumeTrue(settings != null, "settingsThatFailToStart() returned null: skipped.");
        try (TestChannelContext context = context(settings)) {
            Channel channel = open(provider(), context);
            Exception thrown = null;
            try {
                perform("start()", START_SLOW, channel::start);
            } catch (Exception e) {
                thrown = e;
            }
            if (thrown == null) {
                fail("start() succeeded with settingsThatFailToStart() (by default validSettings() with every secret "
                        + "replaced by \"invalid-credential\"). A channel whose credential the network rejects must "
                        + "throw ChannelException(UNAUTHORIZED) from start(). If your channel can only find out after "
                        + "it started, override settingsThatFailToStart() to return settings that do fail, or null "
                        + "to skip this check.");
            }
            if (!(thrown instanceof ChannelException)) {
                fail("start() threw " + describe(thrown) + " instead of a ChannelException. The host decides "
                        + "whether to retry or to wait for the admin from the exception's FailureKind: wrap the "
                        + "failure, for example in new ChannelException(FailureKind.UNAUTHORIZED, message, fixHint, "
                        + "null, null).", thrown);
            }
            stop(channel, "stop() after a failed start()");
            status(channel, "after a failed start()");
        }
    }

    /** {@link Channel#stop()} on a channel that was never started returns and does not throw. */
    @Test
    public final void stopWithoutStartIsSafe() throws Exception {
        try (TestChannelContext context = context(validSettings())) {
            Channel channel = open(provider(), context);
            stop(channel, "stop() without start()");
        }
    }

    /** {@link Channel#status()} returns a status, never {@code null}, and never throws: before, while and after running. */
    @Test
    public final void statusIsNeverNullAndNeverThrows() throws Exception {
        try (TestChannelContext context = context(validSettings())) {
            Channel channel = open(provider(), context);
            status(channel, "before start()");
            start(channel);
            status(channel, "while running");
            stop(channel, "stop()");
            status(channel, "after stop()");
        }
    }

    /**
     * {@link Channel#fetchAttachment} (SPI 1.4) of a reference the network never gave fails with a typed
     * {@link ChannelException}: {@link FailureKind#NOT_SUPPORTED} (the default, for a channel that cannot fetch files)
     * or {@link FailureKind#INVALID_REQUEST}. Never {@code null}, never another exception, within the call bound, on a
     * channel opened and never started (the host asks such a channel for files when another host runs it).
     */
    @Test
    public final void fetchingAFileTheNetworkNeverGaveFailsTyped() throws Exception {
        try (TestChannelContext context = context(validSettings())) {
            Channel channel = open(provider(), context);
            Object answer;
            try {
                answer = call("fetchAttachment() of an unknown reference", "fetchAttachment() must not wait "
                        + "longer than the network takes to answer.", () -> channel.fetchAttachment(
                        "conformance-kit-no-such-file", 1024));
            } catch (ChannelException e) {
                answer = e;
            } catch (Exception e) {
                answer = fail("fetchAttachment() of a reference the network never gave threw " + describe(e)
                        + ". Throw a ChannelException of kind INVALID_REQUEST (or NOT_SUPPORTED when the channel "
                        + "cannot fetch files at all).", e);
            }
            if (!(answer instanceof ChannelException failure) || failure.kind() != FailureKind.INVALID_REQUEST
                    && failure.kind() != FailureKind.NOT_SUPPORTED) {
                fail("fetchAttachment() of a reference the network never gave answered " + answer + ". Throw a "
                        + "ChannelException of kind INVALID_REQUEST (or NOT_SUPPORTED when the channel cannot fetch "
                        + "files at all).");
            }
            try {
                channel.stop();
            } catch (RuntimeException e) {
                // stopWithoutStartIsSafe judges that
            }
        }
    }

    // --------------------------------------------------------------------------------------------------- receiving

    /**
     * When {@code deliver} throws {@link DeliveryException}, the channel delivers the same event again: the host
     * stored nothing, so the event must stay unconfirmed at the network. Checked for one event of
     * {@link #sendEvent(Channel)}, whose first delivery fails, whether the channel delivers it alone or in a batch.
     */
    @Test
    public final void aFailedDeliveryIsDeliveredAgain() throws Exception {
        try (TestChannelContext context = context(validSettings())) {
            context.failNextDeliveries(1);
            Channel channel = open(provider(), context);
            start(channel);
            sendEventOrSkip(channel);
            InboundEvent failed = firstDelivered(context);
            awaitStored(context, failed, "The first delivery of event " + failed.eventId() + " threw "
                    + "DeliveryException, and the channel did not deliver it again within " + deliveryBound() + ". "
                    + "When deliver() throws, the host stored nothing: leave the event unconfirmed at the network "
                    + "and deliver it again after a pause (after a bounded number of attempts, set it aside).");
            stop(channel, "stop()");
        }
    }

    /**
     * The channel confirms nothing to its network (Telegram: asks for the next update offset; a webhook: answers
     * 200) until {@code deliver} returned: the host returns only once the event is stored durably, and a host that
     * dies meanwhile stored nothing. The kit holds the first delivery of an event of {@link #sendEvent(Channel)},
     * fails it as a host going down would, stops the channel and starts it again: the network must then hand the
     * event over again, and the channel deliver it. Whether the channel delivers one by one or in batches.
     */
    @Test
    public final void nothingIsConfirmedBeforeDeliverReturned() throws Exception {
        try (TestChannelContext context = context(validSettings())) {
            context.holdDeliveries();
            Channel channel = open(provider(), context);
            start(channel);
            sendEventOrSkip(channel);
            InboundEvent held = firstDelivered(context);
            context.failDeliveries();
            stop(channel, "stop() while deliveries fail");
            // what the stopped channel still does must fail too: the host it talked to is gone
            long deadline = System.nanoTime() + startStopBound().toNanos();
            while (context.liveTasks().isPresent() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            context.acceptDeliveries();
            startAgain(channel);
            awaitStored(context, held, "The kit held the delivery of event " + held.eventId() + ", then failed it "
                    + "(as a host that goes down while storing), stopped the channel and started it again; the "
                    + "channel did not deliver the event within " + deliveryBound() + ", so it must have confirmed "
                    + "it to the network before deliver() returned. Confirm an event (the next poll's offset, a "
                    + "webhook's answer) only after deliver() returned, and never when it threw.");
            stop(channel, "stop()");
        }
    }

    private void sendEventOrSkip(Channel channel) throws Exception {
        assumeTrue(sendEvent(channel), "sendEvent(channel) is not overridden: the rules on receiving are skipped. "
                + "Override it to make your test network send the channel an event.");
    }

    private InboundEvent firstDelivered(TestChannelContext context) throws InterruptedException {
        try {
            return context.awaitDeliveryAttempts(1, deliveryBound()).getFirst();
        } catch (AssertionError e) {
            return fail("The network sent the channel an event (sendEvent), but the channel handed nothing to "
                    + "context.inbound().deliver() within " + deliveryBound() + ". Deliver every event received.");
        }
    }

    private void awaitStored(TestChannelContext context, InboundEvent event, String whenNot)
            throws InterruptedException {
        long deadline = System.nanoTime() + deliveryBound().toNanos();
        while (context.events().stream().noneMatch(stored -> stored.eventId().equals(event.eventId()))) {
            if (System.nanoTime() > deadline) {
                fail(whenNot + " Events handed to deliver(): " + context.deliveryAttempts() + ", stored: "
                        + context.events());
            }
            Thread.sleep(10);
        }
    }

    // ----------------------------------------------------------------------------------------------------- sending

    /** {@link ChannelProvider#rateLimits()} is a list, possibly empty, without {@code null} elements. */
    @Test
    public final void rateLimitsAreWellFormed() {
        List<RateLimit> limits = provider().rateLimits();
        if (limits == null) {
            fail("rateLimits() returned null. Return List.of() when the network has no sending limit, or the limits "
                    + "it has, such as new RateLimit(Scope.CONVERSATION, 1, Duration.ofSeconds(1), 1).");
        }
        if (limits.stream().anyMatch(Objects::isNull)) {
            fail("rateLimits() contains null: " + limits + ". Return only the limits the network has.");
        }
    }

    // ---------------------------------------------------------------------------------------------------- webhooks

    /**
     * A running channel refuses every request of {@link #forgedWebhooks(WebhookRequest)} with a status other than
     * 2xx and stores nothing of it, and accepts the authentic request they were made from with a 2xx, storing its
     * event: anyone can call a webhook address.
     */
    @Test
    public final void webhookRefusesWhatIsNotAuthentic() throws Exception {
        try (TestChannelContext context = context(validSettings())) {
            Channel channel = open(provider(), context);
            start(channel);
            WebhookRequest authentic = authenticWebhookOrFail(context);
            for (WebhookRequest forged : forgedWebhooks(authentic)) {
                WebhookResponse response = handle(channel, forged);
                if (response.status() / 100 == 2 || context.deliveryAttempts() > 0) {
                    fail("handleWebhook() answered " + response.status() + " to a request that does not come from "
                            + "the network (" + forged + ") and handed " + context.deliveryAttempts() + " event(s) to "
                            + "deliver(). Anyone can call a webhook address: verify each request first (a secret "
                            + "header, a signature keyed by a credential, compared with MessageDigest.isEqual), and "
                            + "refuse what fails with 401 or 403, storing nothing. If this request is authentic for "
                            + "your network, override forgedWebhooks().");
                }
            }
            WebhookResponse accepted = handle(channel, authentic);
            if (accepted.status() / 100 != 2 || context.events().isEmpty()) {
                fail("handleWebhook() answered " + accepted.status() + " to authenticWebhook()'s request and "
                        + "stored " + context.events().size() + " event(s). Deliver an authentic request's events, "
                        + "then answer 2xx; or fix authenticWebhook() to build the request as your network does.");
            }
            stop(channel, "stop()");
        }
    }

    /**
     * When {@code deliver} throws, {@code handleWebhook} answers with a status that makes the network send the
     * request again (5xx, or 429) and stores nothing; once the host stores again, the resent request is stored.
     */
    @Test
    public final void webhookAnswersSoThatTheNetworkResendsWhenNothingWasStored() throws Exception {
        try (TestChannelContext context = context(validSettings())) {
            Channel channel = open(provider(), context);
            start(channel);
            WebhookRequest request = authenticWebhookOrFail(context);
            context.failDeliveries();
            WebhookResponse failed = handle(channel, request);
            if (failed.status() / 100 != 5 && failed.status() != 429) {
                fail("handleWebhook() answered " + failed.status() + " while deliver() threw DeliveryException. The "
                        + "host stored nothing, so the network must send the request again: answer 503 (or the "
                        + "status your network resends on), with Retry-After if it honours one, never 2xx (the "
                        + "network forgets the request) nor 4xx (most networks then drop it).");
            }
            context.acceptDeliveries();
            WebhookResponse resent = handle(channel, request);
            if (resent.status() / 100 != 2 || context.events().size() != 1) {
                fail("The network sent the request again once the host stored again: handleWebhook() answered "
                        + resent.status() + " and " + context.events().size() + " event(s) are stored, not 1. A "
                        + "failed delivery must leave nothing behind that refuses the same request later.");
            }
            stop(channel, "stop()");
        }
    }

    /**
     * A request the network sends twice (its answer was lost) is answered 2xx both times and stored once: its event
     * has the network's id both times, never one the channel made up.
     */
    @Test
    public final void aResentWebhookIsStoredOnce() throws Exception {
        try (TestChannelContext context = context(validSettings())) {
            Channel channel = open(provider(), context);
            start(channel);
            WebhookRequest request = authenticWebhookOrFail(context);
            int first = handle(channel, request).status();
            int second = handle(channel, request).status();
            if (first / 100 != 2 || second / 100 != 2 || context.events().size() != 1) {
                fail("The network sent one request twice: handleWebhook() answered " + first + " then " + second
                        + ", and " + context.events().size() + " event(s) are stored: " + context.events() + ". "
                        + "Answer 2xx each time, and give the event the network's own id, the same on every "
                        + "delivery: the host then drops the second. Never make an id up.");
            }
            stop(channel, "stop()");
        }
    }

    /**
     * Without a webhook address (the host has no {@code smartchat.public-url}), {@link Channel#start()} either runs
     * (the channel polls, or needs no address) or throws a {@link ChannelException} whose fix hint names
     * {@code smartchat.public-url}, so that the admin learns what the operator must set.
     */
    @Test
    public final void startWithoutAWebhookAddressRunsOrSaysWhatToSet() throws Exception {
        assumeTrue(provider().receivesWebhooks(), "The provider does not receive webhooks.");
        try (TestChannelContext context = new TestChannelContext(validSettings(), Clock.systemUTC(), null)) {
            Channel channel = open(provider(), context);
            try {
                perform("start() without a webhook address", START_SLOW, channel::start);
                checkRunning(channel, "after start() without a webhook address");
            } catch (ChannelException e) {
                if (e.fixHint().filter(hint -> hint.contains("smartchat.public-url")).isEmpty()) {
                    fail("start() without a webhook address threw " + describe(e) + " with the fix hint "
                            + quote(e.fixHint().orElse(null)) + ". Say what to set: a fix hint such as \"Ask the "
                            + "operator to set smartchat.public-url to the host's public HTTPS address\".", e);
                }
            } catch (Exception e) {
                fail("start() without a webhook address threw " + describe(e) + ". When ChannelContext.webhookUrl() "
                        + "is empty, poll if your network allows it, or throw new ChannelException("
                        + "FailureKind.INVALID_REQUEST, reason, \"Ask the operator to set smartchat.public-url ...\", "
                        + "null, null).", e);
            }
            stop(channel, "stop()");
        }
    }

    /** The kit's authentic request, or the rule is skipped for a provider without webhooks, or fails. */
    private WebhookRequest authenticWebhookOrFail(TestChannelContext context) throws Exception {
        assumeTrue(provider().receivesWebhooks(), "The provider does not receive webhooks.");
        WebhookRequest request = authenticWebhook(context);
        if (request == null) {
            fail("receivesWebhooks() is true, but authenticWebhook() is not overridden: return a request as your "
                    + "network pushes it, signed for validSettings(), with a new event each time.");
        }
        return request;
    }

    private WebhookResponse handle(Channel channel, WebhookRequest request) throws Exception {
        WebhookResponse response = callSafely("handleWebhook(" + request + ")",
                "handleWebhook() must answer quickly: deliver, then answer; never wait for the network.",
                "handleWebhook() must answer, never throw: the host then answers 500, and says nothing useful to "
                        + "the network. Answer 401 to what is not authentic, 400 to what cannot be read, 503 when "
                        + "deliver() threw.",
                () -> channel.handleWebhook(request));
        if (response == null) {
            fail("handleWebhook() returned null. Return a WebhookResponse, such as WebhookResponse.ok().");
        }
        return response;
    }

    /** A context for the kit's channels: with {@link #webhookUrl()} when the provider receives webhooks. */
    private TestChannelContext context(ChannelSettings settings) {
        return new TestChannelContext(settings, Clock.systemUTC(), provider().receivesWebhooks() ? webhookUrl() : null);
    }

    // ----------------------------------------------------------------------------------------------------- helpers

    /** Work the kit runs under {@link #startStopBound()}. */
    @FunctionalInterface
    private interface Call<T> {
        T call() throws Exception;
    }

    /** Work without a result that the kit runs under {@link #startStopBound()}. */
    @FunctionalInterface
    private interface Action {
        void run() throws Exception;
    }

    private Channel open(ChannelProvider provider, TestChannelContext context) throws Exception {
        Channel channel = callSafely("open()", OPEN_SLOW,
                "open() must only create the channel, which cannot fail: check settings in validate() and connect "
                        + "in start().",
                () -> provider.open(context));
        if (channel == null) {
            fail("open() returned null. Return a new Channel that is not started yet.");
        }
        return channel;
    }

    private void start(Channel channel) throws Exception {
        callSafely("start() with validSettings()", START_SLOW,
                "validSettings() must let a channel start: point them at a test server that accepts them.",
                () -> {
                    channel.start();
                    return null;
                });
    }

    private void startAgain(Channel channel) throws Exception {
        try {
            perform("start() after stop()", START_SLOW, channel::start);
        } catch (Exception e) {
            fail("start() after stop() threw " + describe(e) + ", though the first start() succeeded. stop() "
                    + "must leave the channel ready to start again: reset what start() checks, and create "
                    + "threads and connections in start(), not in the constructor.", e);
        }
    }

    private void stop(Channel channel, String what) throws Exception {
        callSafely(what, STOP_SLOW, STOP_THROWS, () -> {
            channel.stop();
            return null;
        });
    }

    private ChannelStatus status(Channel channel, String when) throws Exception {
        ChannelStatus status = callSafely("status() " + when, STATUS_SLOW,
                "status() must never throw: the host calls it for health checks. Return what went wrong as a "
                        + "status instead, such as ChannelStatus.of(DEGRADED, reason, fixHint).",
                channel::status);
        if (status == null) {
            fail("status() " + when + " returned null. Return the channel's condition, such as "
                    + "ChannelStatus.of(CREATED, null, null) before start() and ChannelStatus.running() while running.");
        }
        return status;
    }

    private void checkRunning(Channel channel, String when) throws Exception {
        ChannelStatus status = status(channel, when);
        if (status.state() != ChannelState.RUNNING && status.state() != ChannelState.DEGRADED) {
            fail("status() " + when + " says " + status + ". Once start() returned, the channel receives: say "
                    + "RUNNING, or DEGRADED with a reason.");
        }
    }

    /** Runs work under {@link #startStopBound()}, failing the test with what it throws and how to fix it. */
    private <T> T callSafely(String what, String whenSlow, String whenThrows, Call<T> work) throws Exception {
        try {
            return call(what, whenSlow, work);
        } catch (Exception e) {
            return fail(what + " threw " + describe(e) + ". " + whenThrows, e);
        }
    }

    private void perform(String what, String whenSlow, Action work) throws Exception {
        call(what, whenSlow, () -> {
            work.run();
            return null;
        });
    }

    /**
     * Runs work on a thread of its own and waits at most {@link #startStopBound()}: the host abandons a call that
     * overruns, so the kit fails it. Exceptions from the work are thrown as they are.
     */
    private <T> T call(String what, String whenSlow, Call<T> work) throws Exception {
        FutureTask<T> task = new FutureTask<>(work::call);
        Thread thread = Thread.ofVirtual().name("conformance-kit " + what).start(task);
        try {
            return task.get(startStopBound().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            thread.interrupt();
            return fail(what + " did not return within " + startStopBound() + ". " + whenSlow);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception exception) {
                throw exception;
            }
            throw (Error) e.getCause();
        }
    }

    private FormSchema schemaOrAbort() {
        return schemaOrAbort(provider());
    }

    /** The schema, or the test is skipped: {@link #schemaIsWellFormed()} reports a broken schema, once. */
    private static FormSchema schemaOrAbort(ChannelProvider provider) {
        try {
            FormSchema schema = provider.schema();
            if (schema != null) {
                return schema;
            }
        } catch (RuntimeException e) {
            // reported by schemaIsWellFormed
        }
        return abort("schema() is broken, see schemaIsWellFormed.");
    }

    /** The secret fields, or the test is skipped: without one, no secret can leak. */
    private List<FormField> secretFieldsOrAbort() {
        List<FormField> fields = secretFields(schemaOrAbort());
        assumeTrue(!fields.isEmpty(), "The form has no secret field, so no secret can leak.");
        return fields;
    }

    private static List<FormField> secretFields(FormSchema schema) {
        return schema.fields().stream().filter(field -> field.type() == FieldType.SECRET).toList();
    }

    private static ChannelSettings withSecrets(ChannelSettings settings, Map<String, String> secrets) {
        Map<String, Object> values = new LinkedHashMap<>(settings.values());
        secrets.forEach((field, value) -> values.put(field, Secret.of(value)));
        return settings.withValues(values);
    }

    private static boolean namesACredential(String fieldName) {
        for (String word : fieldName.split("(?<=[a-z0-9])(?=[A-Z])|[_-]")) {
            if (CREDENTIAL_WORDS.contains(word.toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    private static Document parseXml(String text) throws SAXException, IOException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            // A DOCTYPE could load an external DTD or expand entities: a logo needs neither.
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(new DefaultHandler()); // throws on fatal errors instead of printing them
            return builder.parse(new InputSource(new StringReader(text)));
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("The JDK's XML parser lacks a standard feature", e);
        }
    }

    private static String describe(Throwable thrown) {
        String kind = thrown instanceof ChannelException channel ? "(" + channel.kind() + ")" : "";
        return thrown.getClass().getSimpleName() + kind + (thrown.getMessage() == null ? "" : ": " + thrown.getMessage());
    }

    private static boolean isBlank(String text) {
        return text == null || text.isBlank();
    }

    private static String quote(String text) {
        return text == null ? "null" : "\"" + text + "\"";
    }

    /**
     * Copies what is printed to {@link System#out} and {@link System#err} while it is open, still printing it: a
     * plugin that logs with a logger of its own, or prints a stack trace, shows there.
     */
    private static final class ConsoleCopy implements AutoCloseable {
        private final PrintStream out = System.out;
        private final PrintStream err = System.err;
        private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

        ConsoleCopy() {
            System.setOut(tee(out));
            System.setErr(tee(err));
        }

        private PrintStream tee(PrintStream original) {
            return new PrintStream(new OutputStream() {
                @Override
                public void write(int b) {
                    original.write(b);
                    synchronized (copy) {
                        copy.write(b);
                    }
                }

                @Override
                public void write(byte[] bytes, int offset, int length) {
                    original.write(bytes, offset, length);
                    synchronized (copy) {
                        copy.write(bytes, offset, length);
                    }
                }
            }, true, StandardCharsets.UTF_8);
        }

        String text() {
            synchronized (copy) {
                return copy.toString(StandardCharsets.UTF_8);
            }
        }

        @Override
        public void close() {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
