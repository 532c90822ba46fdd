package com.smartchat.host.channels;

import java.util.List;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * Refuses to start a host whose master key opens none of the saved channels' secrets: a wrong
 * {@code SMARTCHAT_MASTER_KEY} or a lost {@code master.key} would otherwise leave every channel failing one by one.
 * Runs once every bean exists, before any channel starts. A channel whose secrets alone do not open (altered, or
 * copied from another channel) does not stop the host: that channel fails and says why.
 */
@Component
class MasterKeyCheck implements SmartInitializingSingleton {

    private final ChannelRepository channels;
    private final ChannelSettingsCodec codec;

    MasterKeyCheck(ChannelRepository channels, ChannelSettingsCodec codec) {
        this.channels = channels;
        this.codec = codec;
    }

    @Override
    public void afterSingletonsInstantiated() {
        List<ChannelRecord> saved = channels.findAll();
        for (ChannelRecord channel : saved) {
            try {
                codec.decode(channel.id(), channel.settingsJson(), channel.secretsCiphertext());
                return;
            } catch (IllegalStateException e) {
                // try the next: this one may be the only one damaged
            }
        }
        if (!saved.isEmpty()) {
            throw new IllegalStateException("The master key is not the one the channels' secrets were saved with: "
                    + "none of the " + saved.size() + " channels' secrets opens with it. Start the host with the key "
                    + "it used before (SMARTCHAT_MASTER_KEY, or the master.key file of its data directory, restored "
                    + "from your backup).");
        }
    }
}
