package ${package};

import com.smartchat.channel.spi.Channel;
import com.smartchat.channel.spi.ChannelContext;
import com.smartchat.channel.spi.ChannelProvider;
import com.smartchat.channel.spi.ChannelSettings;
import com.smartchat.channel.spi.FormField;
import com.smartchat.channel.spi.FormSchema;
import com.smartchat.channel.spi.IdentityPreview;
import com.smartchat.channel.spi.ValidationResult;
import java.util.List;
import java.util.Map;

/**
 * The ${channelName} channel provider: what the host reads when it loads the plugin (id, names, the form), checks
 * settings with, and opens channels with. The host finds it through
 * {@code META-INF/services/com.smartchat.channel.spi.ChannelProvider}.
 *
 * <p>Generated as a loopback: a channel sends each message back to SmartChat as if the member had written it,
 * so that the plugin runs end to end before it talks to any network. Replace {@link PluginChannel}'s send and
 * receive with your network's, and the access key check in {@link #validate} with a call that proves the
 * credentials work.
 */
public final class PluginProvider implements ChannelProvider {

    static final String ACCESS_KEY = "accessKey";

    private static final FormSchema SCHEMA = FormSchema.builder()
            .field(FormField.secret(ACCESS_KEY)
                    .label("Access key")
                    .help("The key your ${channelName} account issued.")
                    .required()
                    .maxLength(200)
                    .build())
            .build();

    @Override
    public String id() {
        return "${artifactId}"; // stored with every channel: never change it
    }

    @Override
    public String displayName() {
        return "${channelName}";
    }

    @Override
    public String description() {
        return "Connects a ${channelName} account: its conversations reach your Space, and agents answer them.";
    }

    @Override
    public String spiVersion() {
        return SPI_VERSION;
    }

    @Override
    public FormSchema schema() {
        return SCHEMA;
    }

    /** Checks what the form cannot: here only that the key is not blank; a real plugin asks its network. */
    @Override
    public ValidationResult validate(ChannelSettings settings) {
        Map<String, List<String>> problems = SCHEMA.check(settings.values());
        if (!problems.isEmpty()) {
            return ValidationResult.builder().errors(problems).build();
        }
        String name = settings.values().getOrDefault(FormSchema.NAME, "${channelName}").toString();
        return ValidationResult.valid(new IdentityPreview("${artifactId}:" + name, name, null, null, List.of()));
    }

    @Override
    public Channel open(ChannelContext context) {
        return new PluginChannel(context);
    }
}
