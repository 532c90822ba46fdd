package ${package};

import com.smartchat.channel.spi.Channel;
import com.smartchat.channel.spi.ChannelProvider;
import com.smartchat.channel.spi.ChannelSettings;
import com.smartchat.channel.spi.FormSchema;
import com.smartchat.channel.spi.OutboundMessage;
import com.smartchat.channel.spi.Secret;
import com.smartchat.channel.tck.ChannelProviderConformanceTest;
import java.util.Map;

/** The plugin obeys every rule of SmartChat's conformance kit: keep this test passing as the plugin grows. */
class PluginProviderConformanceTest extends ChannelProviderConformanceTest {

    @Override
    protected ChannelProvider provider() {
        return new PluginProvider();
    }

    @Override
    protected ChannelSettings validSettings() {
        return ChannelSettings.of(1, Map.of(FormSchema.NAME, "${channelName} test",
                PluginProvider.ACCESS_KEY, Secret.of("a-test-key")));
    }

    /**
     * The loopback accepts any key, so no settings fail to start it. Once start() checks the key with your network,
     * return settings with a key it rejects: the kit then checks that start() throws UNAUTHORIZED.
     */
    @Override
    protected ChannelSettings settingsThatFailToStart() {
        return null;
    }

    /** Makes an event arrive: the loopback sends a message back. A real plugin makes its network send one. */
    @Override
    protected boolean sendEvent(Channel channel) {
        channel.send(OutboundMessage.text("member-1", "Hello")).toCompletableFuture().join();
        return true;
    }
}
