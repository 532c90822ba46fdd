package com.smartchat.host.channels;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The operator's settings for every channel of one provider: the {@code smartchat.plugins.<provider id>.*}
 * properties (so also environment variables such as {@code SMARTCHAT_PLUGINS_TELEGRAM_API_URL}), keys without the
 * prefix. Keys are flat: an environment variable's underscores and a property's dashes both become dashes, so
 * {@code api-url} reaches the provider whichever way it was set.
 *
 * <p>Every provider also gets {@code public-url}, the host's public address ({@code smartchat.public-url}) when it has
 * one: {@code ChannelProvider.validate} gets no context, and needs it to tell whether webhooks can work.
 */
@Component
public class ProviderConfiguration {

    /** The key under which every provider finds the host's public address. */
    public static final String PUBLIC_URL = "public-url";

    private final Binder binder;
    private final ChannelProperties channels;
    private final ConcurrentMap<String, Map<String, String>> cache = new ConcurrentHashMap<>();

    public ProviderConfiguration(Environment environment, ChannelProperties channels) {
        this.binder = Binder.get(environment);
        this.channels = channels;
    }

    /**
     * The settings of one provider. Read from the environment once per provider: binding walks every property
     * source, which at boot with thousands of channels cost more than decrypting their tokens.
     */
    public Map<String, String> forProvider(String providerId) {
        return cache.computeIfAbsent(providerId, this::bind);
    }

    private Map<String, String> bind(String providerId) {
        Map<String, String> config = new TreeMap<>();
        binder.bind("smartchat.plugins." + providerId, Bindable.mapOf(String.class, String.class))
                .orElse(Map.of())
                .forEach((key, value) -> config.put(key.replace('.', '-'), value));
        if (channels.publicUrl() != null && !channels.publicUrl().isBlank()) {
            config.put(PUBLIC_URL, channels.publicUrl().strip());
        }
        return Collections.unmodifiableMap(config);
    }
}
