package com.smartchat.host.security;

import com.smartchat.channel.spi.Channel;
import com.smartchat.channel.spi.ChannelContext;
import com.smartchat.channel.spi.ChannelProvider;
import com.smartchat.channel.spi.ChannelSettings;
import com.smartchat.channel.spi.ChannelStatus;
import com.smartchat.channel.spi.FormField;
import com.smartchat.channel.spi.FormSchema;
import com.smartchat.channel.spi.IdentityPreview;
import com.smartchat.channel.spi.OutboundMessage;
import com.smartchat.channel.spi.SendReceipt;
import com.smartchat.channel.spi.ValidationResult;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A provider on the host's test class path that does what a careless one would: its check connects to the
 * address in its "Server" field and presents the key there. Its "Server" field is marked as deciding where the key
 * goes, so the host must never let a stored key travel to a server set after it.
 */
public class RelayProvider implements ChannelProvider {

    static final String KEY = "key";
    static final String SERVER = "server";

    @Override
    public String id() {
        return "relay";
    }

    @Override
    public String displayName() {
        return "Relay";
    }

    @Override
    public String description() {
        return "A test channel that presents its key to the server named in its form.";
    }

    @Override
    public String spiVersion() {
        return SPI_VERSION;
    }

    @Override
    public FormSchema schema() {
        return FormSchema.builder()
                .field(FormField.secret(KEY).label("Key").required().build())
                .field(FormField.url(SERVER).label("Server").required().secretDestination().build())
                .build();
    }

    @Override
    public ValidationResult validate(ChannelSettings settings) {
        URI server = URI.create(settings.text(SERVER).orElseThrow());
        try (Socket socket = new Socket(server.getHost(), server.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("KEY " + settings.secret(KEY).orElseThrow().reveal() + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            return ValidationResult.builder().error(SERVER, "The server could not be reached.").build();
        }
        return ValidationResult.valid(new IdentityPreview("relay-account", "Relay account", "relay_bot", null,
                List.of()));
    }

    @Override
    public Channel open(ChannelContext context) {
        return new Channel() {
            @Override
            public void start() {
            }

            @Override
            public void stop() {
            }

            @Override
            public CompletionStage<SendReceipt> send(OutboundMessage message) {
                return CompletableFuture.failedFuture(new UnsupportedOperationException("Relay channels do not send"));
            }

            @Override
            public ChannelStatus status() {
                return ChannelStatus.running();
            }
        };
    }
}
