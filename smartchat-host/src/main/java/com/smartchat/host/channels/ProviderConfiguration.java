package com.smartchat.host.channels;

import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The operator's settings for every channel of one provider: the {@code smartchat.plugins.<provider id>.*}
 * properties (so also environment variables such as {@code SMARTCHAT_PLUGINS_TELEGRAM_API_URL}), keys without the
 * prefix. Keys are flat: an environment variable's underscores and a property's dashes both become dashes, so
 * {@code api-url} reaches the provider whichever way it was set.
 */
@Component
public class ProviderConfiguration {

    private final Binder binder;

    public ProviderConfiguration(Environment environment) {
        this.binder = Binder.get(environment);
    }

    public Map<String, String> forProvider(String providerId) {
        Map<String, String> config = new TreeMap<>();
        binder.bind("smartchat.plugins." + providerId, Bindable.mapOf(String.class, String.class))
                .orElse(Map.of())
                .forEach((key, value) -> config.put(key.replace('.', '-'), value));
        return config;
    }
}
