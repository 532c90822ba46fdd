package com.smartchat.host.channels;

import com.smartchat.host.plugins.LoadedProvider;
import com.smartchat.host.plugins.PluginRegistry;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Where a network reaches a channel's webhook: {@code <smartchat.public-url>/hooks/<webhook id>}, the address the
 * channel gets as {@code ChannelContext.webhookUrl()} and the one its admins see. Nothing when the host has no public
 * address. The id is opaque and random: the address is no secret, and nothing can be done with it but what the
 * channel verifies.
 */
@Component
public class WebhookAddresses {

    private final ChannelRepository channels;
    private final ChannelProperties properties;
    private final PluginRegistry plugins;

    WebhookAddresses(ChannelRepository channels, ChannelProperties properties, PluginRegistry plugins) {
        this.channels = channels;
        this.properties = properties;
        this.plugins = plugins;
    }

    /**
     * The address to show the channel's admins, so that they can enter it at the network: only when its plugin is
     * loaded and says its channels receive webhooks, and the host has a public address.
     */
    public Optional<String> toShow(ChannelRecord channel) {
        boolean receives = plugins.find(channel.provider()).map(LoadedProvider::receivesWebhooks).orElse(false);
        return receives ? of(channel) : Optional.empty();
    }

    /** The channel's webhook address, when the host has a public address. */
    public Optional<String> of(ChannelRecord channel) {
        String publicUrl = properties.publicUrl();
        if (publicUrl == null || publicUrl.isBlank()) {
            return Optional.empty();
        }
        String webhookId = channel.webhookId();
        if (webhookId == null) { // a channel made before webhooks existed
            channels.assignWebhookId(channel.id(), WebhookIds.next());
            webhookId = channels.find(channel.id()).orElseThrow().webhookId();
        }
        return Optional.of(publicUrl.strip().replaceAll("/+$", "") + "/hooks/" + webhookId);
    }
}
