package com.smartchat.channel.spi;

import java.util.List;
import java.util.Map;

/**
 * The entry point of a channel plugin: one per messaging network (Telegram, WhatsApp, Slack...).
 *
 * <p>The host finds providers with {@link java.util.ServiceLoader}: a plugin jar lists its provider class in
 * {@code META-INF/services/com.smartchat.channel.spi.ChannelProvider}. The class needs a public no-argument
 * constructor that does no I/O. A provider is stateless and shared by every channel of its kind: everything a
 * channel needs reaches it through {@link #open(ChannelContext)}.
 *
 * <p>Lifecycle, as the host drives it:
 * <ol>
 *   <li>the host reads {@link #id()}, {@link #displayName()}, {@link #spiVersion()}, {@link #schema()} and
 *       {@link #providerSettings()} (1.4) once, when it loads the plugin, checks the operator's settings against
 *       the declared ones, and renders the admin form from the schema;</li>
 *   <li>when an admin fills in the form, the host checks what the schema declares (required, length, pattern)
 *       and, in the same round, calls {@link #validate(ChannelSettings)} with the values that passed, so the
 *       provider can check meaning (is the token accepted?);</li>
 *   <li>for each configured channel the host calls {@link #open(ChannelContext)} and then {@link Channel#start()};</li>
 *   <li>when it unloads the plugin or shuts down, after every channel stopped, it calls {@link #close()} (1.4).</li>
 * </ol>
 * Every call into a provider runs with the plugin's class loader as thread context class loader and under a
 * timeout; a call that overruns is abandoned and reported.
 */
public interface ChannelProvider {

    /**
     * The version of this SPI, {@code major.minor}. Return this constant from {@link #spiVersion()}: the compiler
     * copies its value into your class, so the host learns which version your plugin was built against.
     *
     * <p>1.1 added {@link Channel#handleWebhook(WebhookRequest)} and {@link ChannelContext#webhookUrl()}; 1.2 added
     * {@link FormField.Builder#secretDestination()} and {@link InboundSink#setAside}; 1.3 added
     * {@link Channel#receivesWebhooksUnstarted()}; 1.4 added {@link #receivesWebhooks()}, webhook {@code GET}
     * requests and query parameters ({@link WebhookRequest#method()}), response headers
     * ({@link WebhookResponse#withHeader}), {@link OutboundMessage#kind()}, {@link #close()}, form fields' minimum
     * length, minimum and maximum ({@link FormField.Builder#minLength}), {@link FieldType#read}, identities
     * without an account ({@link IdentityPreview#id()} may be {@code null}), declared operator settings
     * ({@link #providerSettings()}) and {@link Redelivery}.
     */
    String SPI_VERSION = "1.4";

    /**
     * A stable identifier, lower case letters, digits and dashes, such as {@code telegram}. It is stored with every
     * channel and names the provider's host settings ({@code smartchat.plugins.<id>.*}), so never change it.
     */
    String id();

    /** The name admins see, such as {@code Telegram}. */
    String displayName();

    /** One or two sentences that tell an admin what connecting this channel does. */
    String description();

    /**
     * The provider's logo as a self-contained SVG document (no scripts, no external references), shown in the
     * Channel Connection menu with {@link #displayName()} as its text alternative; {@code null} when there is none.
     */
    default String logoSvg() {
        return null;
    }

    /** Always {@code return SPI_VERSION;}: see {@link #SPI_VERSION}. The host refuses a different major version. */
    String spiVersion();

    /**
     * The provider's own form fields. The standard fields (Channel Name, Greeting Message, see
     * {@link FormSchema#STANDARD_FIELDS}) are added by the host: do not declare them.
     */
    FormSchema schema();

    /**
     * Checks the meaning of settings, for example by asking the network whether a token is accepted. Return every
     * problem at once, each on the field an admin must change, worded so the admin knows what to do. On success,
     * return the identity the settings lead to as a preview.
     *
     * <p>The host first checks what the schema declares (type, required, length, minimum and maximum, pattern,
     * choice, URL shape), and calls this in the same round even when some of those checks failed, so that an admin
     * sees the host's problems and yours together. What you receive:
     * <ul>
     *   <li>every value that passed the host's checks. A value that failed them is left out, as if the admin had
     *       left the field empty: you never see a value the host knows is malformed;</li>
     *   <li>every one of your {@linkplain FormField#required() required} fields, present and well formed. While
     *       one of them, or a {@linkplain FormField.Builder#secretDestination() field that says where secrets go},
     *       fails the host's checks, the host does not call this at all;</li>
     *   <li>the standard fields ({@link FormSchema#NAME}, {@link FormSchema#GREETING}) when they passed, like any
     *       optional field.</li>
     * </ul>
     * So check the values that are present and skip the checks that need an absent one. Messages you return on a
     * field whose value the host left out are not shown (the host already says what is wrong with it). If this
     * throws or returns {@code null}, the admin is told the plugin could not check the settings, along with the
     * host's own findings; the details go to the operator's log.
     *
     * <p>Hosts before SPI 1.4 call this only once every host check passed.
     *
     * <p>Runs under a host timeout of a few seconds; never put a secret's value in a message.
     *
     * @param settings the values the admin entered that passed the host's checks, with the provider's host settings
     * @return the result; never {@code null}
     */
    ValidationResult validate(ChannelSettings settings);

    /**
     * Creates a channel for one configured connection. Do no I/O here: the host calls {@link Channel#start()}
     * next, and reports start failures to the admin.
     *
     * @param context the channel's settings and the services the host lends it
     * @return a channel that is not started yet
     */
    Channel open(ChannelContext context);

    /**
     * Whether this provider's channels receive requests from their network at their webhook address
     * ({@link ChannelContext#webhookUrl()}, handled by {@link Channel#handleWebhook}). When {@code true}, the host
     * shows each channel's address to the admins who may see the channel, so that they can enter it where the
     * network asks for it, and the conformance kit checks the channel's webhook handling. The host hands a channel
     * its webhook requests whatever this says; the default is {@code false}.
     *
     * @since 1.4
     */
    default boolean receivesWebhooks() {
        return false;
    }

    /**
     * The settings the operator gives every channel of this provider, as host properties
     * {@code smartchat.plugins.<id>.<name>}: a Bot API server, a poll's length, a shared API key. Channels read
     * them with {@link ChannelSettings#providerSetting(String)}; form fields are for what differs per channel.
     *
     * <p>When this declares at least one setting, the host, as it loads the plugin, refuses it (lists it as failed,
     * with the reason, and loads none of its providers) when a property under {@code smartchat.plugins.<id>.} is not
     * declared here (a typo the operator would otherwise never learn of), or has a value its declaration does not
     * accept ({@link ProviderSetting#check(String)}: not a number, out of range, not an address). It fills in each
     * {@linkplain ProviderSetting#defaultValue() default} the operator left unset (blank counts as unset), and shows
     * platform admins each setting with its current value, a secret's as set or not. So a channel always gets a
     * value its declaration accepts, or none when the setting has no default.
     *
     * <p>Empty by default: nothing declared, and the host hands the provider whatever the operator set under its
     * prefix, unchecked, as hosts before SPI 1.4 do. Read once, when the host loads the plugin.
     *
     * @return the declarations, each name once
     * @since 1.4
     */
    default List<ProviderSetting> providerSettings() {
        return List.of();
    }

    /**
     * The sending limits of the network, which the host's outbound dispatcher enforces for every channel of this
     * provider, so that the plugin need not queue. Empty by default: no limits.
     */
    default List<RateLimit> rateLimits() {
        return List.of();
    }

    /**
     * Brings settings saved under an older {@link FormSchema#version()} up to the current one. The host calls this
     * when it loads a channel whose stored settings are older than {@link #schema()}, then saves the result, so an
     * upgraded plugin never strands a channel. The default returns the values unchanged.
     *
     * @param fromVersion the schema version the values were saved with, lower than the current one
     * @param values the stored values by field name; secrets as {@link Secret}
     * @return the values for the current schema version
     */
    default Map<String, Object> migrateSettings(int fromVersion, Map<String, Object> values) {
        return values;
    }

    /**
     * Releases what the provider holds for all its channels, such as an HTTP client and its connections shared by
     * them. The host calls it once, after every channel this provider opened has stopped, when it unloads the
     * plugin or shuts down; nothing is called on the provider afterwards. It must return within a few seconds. The
     * default does nothing: a provider that keeps nothing needs no close.
     *
     * @since 1.4
     */
    default void close() {
    }
}
