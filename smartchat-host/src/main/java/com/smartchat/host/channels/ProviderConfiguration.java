package com.smartchat.host.channels;

import com.smartchat.host.plugins.LoadedProvider;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.stereotype.Component;

/**
 * What every channel of one provider gets as provider settings: the operator's {@code smartchat.plugins.<provider
 * id>.*} settings with the declared defaults, as the host read and checked them when it loaded the plugin (see
 * {@link LoadedProvider#settingValues()}).
 *
 * <p>Every provider also gets {@code public-url}, the host's public address ({@code smartchat.public-url}) when it has
 * one: {@code ChannelProvider.validate} gets no context, and needs it to tell whether webhooks can work.
 */
@Component
public class ProviderConfiguration {

    /** The key under which every provider finds the host's public address. */
    public static final String PUBLIC_URL = "public-url";

    private final ChannelProperties channels;

    public ProviderConfiguration(ChannelProperties channels) {
        this.channels = channels;
    }

    /** The settings of one provider. */
    public Map<String, String> forProvider(LoadedProvider provider) {
        if (channels.publicUrl() == null || channels.publicUrl().isBlank()) {
            return provider.settingValues();
        }
        Map<String, String> config = new TreeMap<>(provider.settingValues());
        config.put(PUBLIC_URL, channels.publicUrl().strip());
        return Collections.unmodifiableMap(config);
    }
}
