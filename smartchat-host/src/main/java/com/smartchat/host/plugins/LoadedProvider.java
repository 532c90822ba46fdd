package com.smartchat.host.plugins;

import com.smartchat.channel.spi.Channel;
import com.smartchat.channel.spi.ChannelContext;
import com.smartchat.channel.spi.ChannelProvider;
import com.smartchat.channel.spi.ChannelSettings;
import com.smartchat.channel.spi.FormSchema;
import com.smartchat.channel.spi.ProviderSetting;
import com.smartchat.channel.spi.RateLimit;
import com.smartchat.channel.spi.SpiVersion;
import com.smartchat.channel.spi.ValidationResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * A provider that loaded, with what the host read from it at load time. Those values are copies: reading them
 * never calls plugin code. The plugin's own object stays inside: the methods that call it are guarded (see
 * {@link PluginCalls}), and so are the channels it opens ({@link PluginChannel}), so no plugin code runs unguarded.
 */
public final class LoadedProvider {

    private final ChannelProvider provider;
    private final ClassLoader classLoader;
    private final PluginOrigin origin;
    private final String id;
    private final String displayName;
    private final String description;
    private final String spiVersion;
    private final String logoSvg;
    private final FormSchema schema;
    private final List<RateLimit> rateLimits;
    private final boolean receivesWebhooks;
    private final List<ProviderSetting> settings;
    private final Map<String, String> operatorValues;
    private final Map<String, String> settingValues;

    LoadedProvider(ChannelProvider provider, ClassLoader classLoader, PluginOrigin origin, String id,
            String displayName, String description, String spiVersion, String logoSvg, FormSchema schema,
            List<RateLimit> rateLimits, boolean receivesWebhooks, List<ProviderSetting> settings,
            Map<String, String> operatorValues) {
        this.provider = provider;
        this.classLoader = classLoader;
        this.origin = origin;
        this.id = id;
        this.displayName = displayName;
        this.description = description;
        this.spiVersion = spiVersion;
        this.logoSvg = logoSvg;
        this.schema = schema;
        this.rateLimits = List.copyOf(rateLimits);
        this.receivesWebhooks = receivesWebhooks;
        this.settings = List.copyOf(settings);
        this.operatorValues = Map.copyOf(operatorValues);
        this.settingValues = OperatorSettings.withDefaults(settings, operatorValues);
    }

    /** The provider's stable id, such as {@code telegram}. */
    public String id() {
        return id;
    }

    /** The plugin's class loader, or the host's for a provider on the host's class path. */
    public ClassLoader classLoader() {
        return classLoader;
    }

    public PluginOrigin origin() {
        return origin;
    }

    public String displayName() {
        return displayName;
    }

    public String description() {
        return description;
    }

    /** The SPI version the plugin was built against, {@code major.minor}. */
    public String spiVersion() {
        return spiVersion;
    }

    /** The logo as an SVG document, when the provider has one. */
    public Optional<String> logoSvg() {
        return Optional.ofNullable(logoSvg);
    }

    /** The provider's own form fields; {@link FormSchema#allFields()} adds the standard ones. */
    public FormSchema schema() {
        return schema;
    }

    public List<RateLimit> rateLimits() {
        return rateLimits;
    }

    /** Whether its channels receive requests at their webhook address (SPI 1.4), so the host shows it to admins. */
    public boolean receivesWebhooks() {
        return receivesWebhooks;
    }

    /** The operator's settings it declares (SPI 1.4); empty when it declares none. */
    public List<ProviderSetting> settings() {
        return settings;
    }

    /**
     * What its channels get as provider settings ({@code ChannelSettings.providerConfig()}), without the host's
     * {@code public-url}: the operator's values, checked when the plugin loaded, and the declared defaults of those
     * the operator left unset. May hold secrets: never log or show the values.
     */
    public Map<String, String> settingValues() {
        return settingValues;
    }

    /** Whether the operator set a value for this setting (else it has its default, or none). */
    public boolean operatorSet(String setting) {
        return operatorValues.containsKey(setting);
    }

    /**
     * Asks the provider to check settings (it may call its network).
     *
     * @throws PluginCallException when it threw, answered nothing ({@code null}), or did not answer within the timeout
     */
    public ValidationResult validate(ChannelSettings settings, Duration timeout) throws PluginCallException {
        String what = "validate settings for " + id;
        ValidationResult result = PluginCalls.call(id, classLoader, what, timeout, () -> provider.validate(settings));
        if (result == null) {
            throw new PluginCallException(what + " failed: the provider returned no result (null)", null, false);
        }
        return result;
    }

    /**
     * Asks the provider to bring stored settings written for an older schema version up to its current one.
     *
     * @param what for messages and the log, such as {@code migrate the settings of channel 42}
     * @throws PluginCallException when it threw, or did not answer within the timeout
     */
    public Map<String, Object> migrateSettings(String what, int fromVersion, Map<String, Object> values,
                                               Duration timeout) throws PluginCallException {
        return PluginCalls.call(id, classLoader, what, timeout, () -> provider.migrateSettings(fromVersion, values));
    }

    /**
     * Opens a channel, guarded as every later call to it.
     *
     * @param what for messages and the log, such as {@code open channel 42}
     * @throws PluginCallException when the provider threw, or did not answer within the timeout
     */
    public PluginChannel open(String what, ChannelContext context, Duration timeout) throws PluginCallException {
        Channel channel = PluginCalls.call(id, classLoader, what, timeout, () -> provider.open(context));
        if (channel == null) {
            throw new PluginCallException(what + " failed: the provider opened no channel (null)", null, false);
        }
        return new PluginChannel(channel, id, classLoader, SpiVersion.parse(spiVersion));
    }

    /** Lets the provider release what its channels shared (SPI 1.4); a failure is logged, never thrown. */
    void close(Duration timeout) {
        try {
            PluginCalls.call(id, classLoader, "close provider " + id, timeout, () -> {
                provider.close();
                return null;
            });
        } catch (PluginCallException e) {
            LoggerFactory.getLogger(LoadedProvider.class).warn("Provider {} did not close cleanly: {}", id,
                    e.getMessage());
        }
    }

    @Override
    public String toString() {
        return id + " from " + origin.name();
    }
}
