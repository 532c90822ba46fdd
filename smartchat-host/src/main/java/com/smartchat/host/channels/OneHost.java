package com.smartchat.host.channels;

import java.util.Optional;
import java.util.UUID;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/** The host is the only one: it owns every channel, and there is no one to tell anything. */
@Component
@ConditionalOnProperty(prefix = "smartchat.cluster", name = "enabled", havingValue = "false", matchIfMissing = true)
class OneHost implements ChannelOwnership {

    private final String hostId = ChannelOwnership.machineName();

    @Override
    public String hostId() {
        return hostId;
    }

    @Override
    public boolean runsEveryChannel() {
        return true;
    }

    @Override
    public boolean holds(UUID channelId) {
        return true;
    }

    @Override
    public boolean holdOrTake(UUID channelId) {
        return true;
    }

    @Override
    public void release(UUID channelId) {
    }

    @Override
    public void announce(UUID channelId, Action action) {
    }

    @Override
    public void wakeSender(UUID channelId) {
    }

    @Override
    public Optional<String> ownerOf(UUID channelId) {
        return Optional.of(hostId);
    }
}
