package com.smartchat.channel.tck;

import com.smartchat.channel.spi.Channel;
import com.smartchat.channel.spi.ChannelContext;
import com.smartchat.channel.spi.ChannelProvider;
import com.smartchat.channel.spi.ChannelSettings;
import com.smartchat.channel.spi.FormField;
import com.smartchat.channel.spi.FormSchema;
import com.smartchat.channel.spi.IdentityPreview;
import com.smartchat.channel.spi.RateLimit;
import com.smartchat.channel.spi.Secret;
import com.smartchat.channel.spi.ValidationResult;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A provider that obeys every rule of the kit. Each test of the kit overrides one of its methods, or one of its
 * channel's, to break one rule.
 */
class FakeProvider implements ChannelProvider {

    static final String VALID_TOKEN = "fake_valid_token_0123456789";

    static final String LOGO = """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4"/></svg>""";

    private static final FormSchema SCHEMA = FormSchema.builder()
            .field(FormField.secret("token").label("Token").required().build())
            .field(FormField.choice("region").label("Region").choice("eu", "Europe").choice("us", "America")
                    .defaultValue("eu").required().build())
            .build();

    /** This provider, opening its channels with a factory: for tests that break a rule of the channel. */
    static FakeProvider opening(Function<ChannelContext, Channel> channels) {
        return new FakeProvider() {
            @Override
            public Channel open(ChannelContext context) {
                return channels.apply(context);
            }
        };
    }

    /** Settings this provider accepts. */
    static ChannelSettings validSettings() {
        return ChannelSettings.of(1, Map.of(FormSchema.NAME, "Fake support", "token", Secret.of(VALID_TOKEN),
                "region", "eu"));
    }

    @Override
    public String id() {
        return "fake";
    }

    @Override
    public String displayName() {
        return "Fake";
    }

    @Override
    public String description() {
        return "A channel for the conformance kit's own tests.";
    }

    @Override
    public String logoSvg() {
        return LOGO;
    }

    @Override
    public String spiVersion() {
        return SPI_VERSION;
    }

    @Override
    public FormSchema schema() {
        return SCHEMA;
    }

    @Override
    public ValidationResult validate(ChannelSettings settings) {
        ValidationResult.Builder result = ValidationResult.builder();
        settings.secret("token").ifPresentOrElse(
                token -> {
                    if (!token.equals(Secret.of(VALID_TOKEN))) {
                        result.error("token", "Fake rejected this token: paste the one Fake gave you.");
                    }
                },
                () -> result.error("token", "Token is required: paste the one Fake gave you."));
        if (settings.text("region").isEmpty()) {
            result.error("region", "Choose the region your Fake account lives in.");
        }
        return result.preview(new IdentityPreview("42", "Fake bot", "fake_bot", null, List.of())).build();
    }

    @Override
    public Channel open(ChannelContext context) {
        return new FakeChannel(context);
    }

    /** Fake pushes to a webhook, and its channels also poll. */
    @Override
    public boolean receivesWebhooks() {
        return true;
    }

    @Override
    public List<RateLimit> rateLimits() {
        return List.of(new RateLimit(RateLimit.Scope.CONVERSATION, 1, Duration.ofSeconds(1), 1));
    }
}
