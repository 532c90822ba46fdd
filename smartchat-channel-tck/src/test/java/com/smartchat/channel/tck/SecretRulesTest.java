package com.smartchat.channel.tck;

import com.smartchat.channel.spi.Channel;
import com.smartchat.channel.spi.ChannelContext;
import com.smartchat.channel.spi.ChannelException;
import com.smartchat.channel.spi.ChannelProvider;
import com.smartchat.channel.spi.ChannelSettings;
import com.smartchat.channel.spi.ChannelState;
import com.smartchat.channel.spi.ChannelStatus;
import com.smartchat.channel.spi.FailureKind;
import com.smartchat.channel.spi.FormField;
import com.smartchat.channel.spi.FormSchema;
import com.smartchat.channel.spi.IdentityPreview;
import com.smartchat.channel.spi.InboundEvent;
import com.smartchat.channel.spi.OutboundMessage;
import com.smartchat.channel.spi.Secret;
import com.smartchat.channel.spi.SendReceipt;
import com.smartchat.channel.spi.ValidationResult;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * The kit fails a provider that lets a secret show anywhere, in the secret rules, naming where it showed. A secret
 * the network rejects shows in failure paths; one it accepts, in the paths of a running channel.
 */
class SecretRulesTest {

    @Test
    void aFormWithoutSecretsSkipsTheRulesThatNeedOne() {
        FormSchema regionOnly = FormSchema.builder()
                .field(FormField.choice("region").label("Region").choice("eu", "Europe").required().build())
                .build();
        ChannelProvider provider = new FakeProvider() {
            @Override
            public FormSchema schema() {
                return regionOnly;
            }

            @Override
            public ValidationResult validate(ChannelSettings settings) {
                return ValidationResult.builder().errors(regionOnly.check(settings.values())).build();
            }

            @Override
            public Channel open(ChannelContext context) {
                return new FakeChannel(context) {
                    @Override
                    boolean credentialAccepted() {
                        return true;
                    }
                };
            }
        };

        KitRun run = KitRun.of(provider, ChannelSettings.of(1, Map.of(FormSchema.NAME, "Fake support", "region", "eu")));

        assertThat(run.failures()).isEmpty();
        assertThat(run.skipped()).containsOnly(
                entry("rejectedSecretNeverLeaks", "Assumption failed: The form has no secret field, so no secret can leak."),
                entry("acceptedSecretNeverLeaks", "Assumption failed: The form has no secret field, so no secret can leak."),
                entry("stopAfterFailedStartIsSafe", "Assumption failed: settingsThatFailToStart() returned null: skipped."));
    }

    @Test
    void aSecretInAValidationMessageFails() {
        KitRun run = KitRun.of(new FakeProvider() {
            @Override
            public ValidationResult validate(ChannelSettings settings) {
                String token = settings.secret("token").map(Secret::reveal).orElse("");
                if (!token.isEmpty() && !token.equals(VALID_TOKEN)) {
                    return ValidationResult.builder().error("token", "Fake rejected " + token + ".").build();
                }
                return super.validate(settings);
            }
        });

        assertThat(run.failures()).containsOnlyKeys("rejectedSecretNeverLeaks");
        assertThat(run.message("rejectedSecretNeverLeaks")).contains(
                "the value of secret field 'token' appeared in validate()'s message on field 'token': Fake rejected ****.",
                "name the field instead");
    }

    @Test
    void aSecretInThePreviewFails() {
        KitRun run = KitRun.of(new FakeProvider() {
            @Override
            public ValidationResult validate(ChannelSettings settings) {
                String token = settings.secret("token").map(Secret::reveal).orElse("");
                return ValidationResult.builder()
                        .errors(super.validate(settings).fieldErrors())
                        .preview(new IdentityPreview("42", "Fake bot", null, "https://fake.example/bot" + token, List.of()))
                        .build();
            }
        });

        assertThat(run.failures()).containsOnlyKeys("rejectedSecretNeverLeaks", "acceptedSecretNeverLeaks");
        assertThat(run.failures().values()).allMatch(message -> message.contains(
                "appeared in validate()'s preview: IdentityPreview[id=42, displayName=Fake bot, username=null, "
                        + "link=https://fake.example/bot****"));
    }

    @Test
    void aSecretInTheCauseOfAStartFailureFails() {
        KitRun run = KitRun.of(FakeProvider.opening(context -> new FakeChannel(context) {
            @Override
            public void start() throws ChannelException {
                try {
                    super.start();
                } catch (ChannelException e) {
                    throw new ChannelException(e.kind(), e.getMessage(), null, null,
                            new IOException("GET https://fake.example/bot" + token() + "/getMe: 401"));
                }
            }
        }));

        assertThat(run.failures()).containsOnlyKeys("rejectedSecretNeverLeaks");
        assertThat(run.message("rejectedSecretNeverLeaks")).contains(
                "appeared in the exception start() threw (in its cause java.io.IOException): java.io.IOException: "
                        + "GET https://fake.example/bot****/getMe: 401",
                "Wrap exceptions of HTTP clients");
    }

    @Test
    void aSecretInALogLineFails() {
        KitRun run = KitRun.of(FakeProvider.opening(context -> new FakeChannel(context) {
            @Override
            public void start() throws ChannelException {
                context.logger().log(System.Logger.Level.DEBUG, "Starting with token {0}", token());
                super.start();
            }
        }));

        assertThat(run.failures()).containsOnlyKeys("rejectedSecretNeverLeaks", "acceptedSecretNeverLeaks");
        assertThat(run.failures().values())
                .allMatch(message -> message.contains("appeared in a log line at DEBUG: Starting with token ****"));
    }

    @Test
    void aMaskedSecretInALogLinePasses() {
        KitRun run = KitRun.of(FakeProvider.opening(context -> new FakeChannel(context) {
            @Override
            public void start() throws ChannelException {
                context.logger().log(System.Logger.Level.DEBUG, "Starting with token {0}****", token().substring(0, 4));
                super.start();
            }
        }));

        assertThat(run.failures()).isEmpty();
    }

    @Test
    void aSecretInALoggedExceptionFails() {
        KitRun run = KitRun.of(FakeProvider.opening(context -> new FakeChannel(context) {
            @Override
            public void start() throws ChannelException {
                try {
                    super.start();
                } catch (ChannelException e) {
                    context.logger().log(System.Logger.Level.WARNING, "Fake said no",
                            new IOException("401 for token " + token()));
                    throw e;
                }
            }
        }));

        assertThat(run.failures()).containsOnlyKeys("rejectedSecretNeverLeaks");
        assertThat(run.message("rejectedSecretNeverLeaks"))
                .contains("appeared in the exception logged at WARNING: java.io.IOException: 401 for token ****");
    }

    @Test
    void aSecretInAReportFails() {
        KitRun run = KitRun.of(FakeProvider.opening(context -> new FakeChannel(context) {
            @Override
            public void start() throws ChannelException {
                try {
                    super.start();
                } catch (ChannelException e) {
                    context.report(ChannelStatus.of(ChannelState.NEEDS_ATTENTION, "Fake rejected " + token(), null));
                    throw e;
                }
            }
        }));

        assertThat(run.failures()).containsOnlyKeys("rejectedSecretNeverLeaks");
        assertThat(run.message("rejectedSecretNeverLeaks")).contains("appeared in a reported status");
    }

    @Test
    void aSecretInTheChannelsToStringFails() {
        KitRun run = KitRun.of(FakeProvider.opening(context -> new FakeChannel(context) {
            @Override
            public String toString() {
                return "FakeChannel[token=" + token() + "]";
            }
        }));

        assertThat(run.failures()).containsOnlyKeys("rejectedSecretNeverLeaks", "acceptedSecretNeverLeaks");
        assertThat(run.failures().values())
                .allMatch(message -> message.contains("appeared in the channel's toString(): FakeChannel[token=****]"));
    }

    @Test
    void aSecretPrintedToTheConsoleFails() {
        KitRun run = KitRun.of(FakeProvider.opening(context -> new FakeChannel(context) {
            @Override
            public void start() throws ChannelException {
                try {
                    super.start();
                } catch (ChannelException e) {
                    System.err.println("Fake said no to " + token());
                    throw e;
                }
            }
        }));

        assertThat(run.failures()).containsOnlyKeys("rejectedSecretNeverLeaks");
        assertThat(run.message("rejectedSecretNeverLeaks")).contains("appeared in the console: Fake said no to ****");
    }

    @Test
    void aSecretInAMetricTagFails() {
        KitRun run = KitRun.of(FakeProvider.opening(context -> new FakeChannel(context) {
            @Override
            public void start() throws ChannelException {
                context.metrics().increment("starts", "token", token());
                super.start();
            }
        }));

        assertThat(run.failures()).containsOnlyKeys("rejectedSecretNeverLeaks", "acceptedSecretNeverLeaks");
        assertThat(run.failures().values()).allMatch(message -> message.contains("appeared in a metric name or tag"));
    }

    @Test
    void aSecretInASendFailureFails() {
        KitRun run = KitRun.of(FakeProvider.opening(context -> new FakeChannel(context) {
            @Override
            public CompletionStage<SendReceipt> send(OutboundMessage message) {
                return CompletableFuture.failedFuture(new ChannelException(FailureKind.INVALID_REQUEST,
                        "POST https://fake.example/bot" + token() + "/sendMessage: chat not found"));
            }
        }));

        assertThat(run.failures()).containsOnlyKeys("acceptedSecretNeverLeaks");
        assertThat(run.message("acceptedSecretNeverLeaks")).contains("appeared in the failure send() completed with: "
                + "com.smartchat.channel.spi.ChannelException: POST https://fake.example/bot****/sendMessage");
    }

    @Test
    void aSecretInADeliveredEventFails() {
        KitRun run = KitRun.of(FakeProvider.opening(context -> new FakeChannel(context) {
            @Override
            public CompletionStage<SendReceipt> send(OutboundMessage message) {
                try {
                    context.inbound().deliver(new InboundEvent.Unrecognized("1", Instant.now(), null, null, "debug",
                            "{\"token\":\"" + token() + "\"}"));
                } catch (Exception e) {
                    return CompletableFuture.failedFuture(e);
                }
                return super.send(message);
            }
        }));

        assertThat(run.failures()).containsOnlyKeys("acceptedSecretNeverLeaks");
        assertThat(run.message("acceptedSecretNeverLeaks")).contains("appeared in a delivered event");
    }
}
