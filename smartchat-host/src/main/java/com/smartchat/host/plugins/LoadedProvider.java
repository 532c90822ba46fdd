package com.smartchat.host.plugins;

import com.smartchat.channel.spi.ChannelProvider;
import com.smartchat.channel.spi.FormSchema;
import com.smartchat.channel.spi.RateLimit;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * A provider that loaded, with what the host read from it at load time. Those values are copies: reading them
 * never calls plugin code. Everything else goes through {@link #call(String, Duration, Callable)}.
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

    LoadedProvider(ChannelProvider provider, ClassLoader classLoader, PluginOrigin origin, String id,
            String displayName, String description, String spiVersion, String logoSvg, FormSchema schema,
            List<RateLimit> rateLimits) {
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
    }

    /** The provider's stable id, such as {@code telegram}. */
    public String id() {
        return id;
    }

    /** The plugin's object. Call it only through {@link #call(String, Duration, Callable)}. */
    public ChannelProvider provider() {
        return provider;
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

    /**
     * Runs plugin code, such as {@code provider().validate(settings)} or a channel's {@code start()}, with the
     * plugin's class loader as context class loader and under a timeout. A call that overruns is interrupted and
     * abandoned (and logged), and this method returns at the timeout.
     *
     * @param what what the host is doing, for messages and the log, such as {@code start channel 42}; never put a
     *             secret in it
     * @param timeout how long the call may take
     * @param work the call
     * @return what the work returned
     * @throws PluginCallException when the work throws, with the reason as message and the plugin's exception as
     *                             cause, or when it overruns the timeout ({@link PluginCallException#timedOut()})
     */
    public <T> T call(String what, Duration timeout, Callable<T> work) throws PluginCallException {
        return PluginCalls.call(id, classLoader, what, timeout, work);
    }

    @Override
    public String toString() {
        return id + " from " + origin.name();
    }
}
