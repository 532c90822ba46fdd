package com.smartchat.channel.tck;

import com.smartchat.channel.spi.ChannelException;
import com.smartchat.channel.spi.DeliveryException;
import com.smartchat.channel.spi.FailureKind;
import com.smartchat.channel.spi.InboundEvent;
import com.smartchat.channel.spi.WebhookRequest;
import com.smartchat.channel.spi.WebhookResponse;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kit fails a provider whose channels take webhook requests unsafely, each in the rule's own test, saying what to
 * fix; and runs the webhook rules only for providers that receive webhooks.
 */
class WebhookRulesTest {

    private static final String[] WEBHOOK_RULES = {"webhookRefusesWhatIsNotAuthentic",
            "webhookAnswersSoThatTheNetworkResendsWhenNothingWasStored", "aResentWebhookIsStoredOnce",
            "startWithoutAWebhookAddressRunsOrSaysWhatToSet"};

    @Test
    void aChannelThatTakesEveryRequestFails() {
        KitRun run = KitRun.of(FakeProvider.opening(context -> new FakeChannel(context) {
            @Override
            boolean authentic(WebhookRequest request) {
                return true;
            }
        }));

        assertThat(run.failures()).containsOnlyKeys("webhookRefusesWhatIsNotAuthentic");
        assertThat(run.message("webhookRefusesWhatIsNotAuthentic")).contains("handleWebhook() answered 200 to a "
                + "request that does not come from the network", "verify each request first");
    }

    @Test
    void answering200WhenNothingWasStoredFails() {
        KitRun run = KitRun.of(answeringWhenDeliveryFails(WebhookResponse.ok()));

        assertThat(run.failures()).containsOnlyKeys("webhookAnswersSoThatTheNetworkResendsWhenNothingWasStored");
        assertThat(run.message("webhookAnswersSoThatTheNetworkResendsWhenNothingWasStored")).contains(
                "handleWebhook() answered 200 while deliver() threw DeliveryException", "answer 503");
    }

    @Test
    void answeringAClientErrorWhenNothingWasStoredFails() {
        KitRun run = KitRun.of(answeringWhenDeliveryFails(WebhookResponse.of(400, "")));

        assertThat(run.failures()).containsOnlyKeys("webhookAnswersSoThatTheNetworkResendsWhenNothingWasStored");
    }

    @Test
    void makingUpAnEventIdForEachDeliveryFails() {
        KitRun run = KitRun.of(FakeProvider.opening(context -> new FakeChannel(context) {
            @Override
            InboundEvent pushed(WebhookRequest request) {
                return FakeNetwork.message(UUID.randomUUID().toString(), "Hello");
            }
        }));

        assertThat(run.failures()).containsOnlyKeys("aResentWebhookIsStoredOnce");
        assertThat(run.message("aResentWebhookIsStoredOnce")).contains("answered 200 then 200, and 2 event(s) are "
                + "stored", "Never make an id up.");
    }

    @Test
    void aPushOnlyChannelWithoutAnAddressMustSayWhatToSet() {
        KitRun silent = KitRun.of(pushOnly(null));
        KitRun helpful = KitRun.of(pushOnly("Ask the operator to set smartchat.public-url to the host's public "
                + "HTTPS address."));

        assertThat(silent.failures()).containsOnlyKeys("startWithoutAWebhookAddressRunsOrSaysWhatToSet");
        assertThat(silent.message("startWithoutAWebhookAddressRunsOrSaysWhatToSet")).contains(
                "start() without a webhook address threw ChannelException(INVALID_REQUEST)", "with the fix hint null");
        assertThat(helpful.failures()).isEmpty();
        assertThat(helpful.passed()).contains(WEBHOOK_RULES);
    }

    @Test
    void theWebhookRulesAreSkippedForAProviderWithoutWebhooks() {
        KitRun run = KitRun.of(new FakeProvider() {
            @Override
            public boolean receivesWebhooks() {
                return false;
            }
        });

        assertThat(run.failures()).isEmpty();
        assertThat(run.skipped()).containsOnlyKeys(WEBHOOK_RULES)
                .allSatisfy((rule, reason) -> assertThat(reason).isEqualTo("Assumption failed: The provider does "
                        + "not receive webhooks."));
    }

    private static FakeProvider answeringWhenDeliveryFails(WebhookResponse answer) {
        return FakeProvider.opening(context -> new FakeChannel(context) {
            @Override
            public WebhookResponse handleWebhook(WebhookRequest request) {
                if (!authentic(request)) {
                    return super.handleWebhook(request);
                }
                try {
                    context.inbound().deliver(pushed(request));
                } catch (DeliveryException e) {
                    return answer;
                }
                return super.handleWebhook(request);
            }
        });
    }

    /** A channel that only receives by webhook, so cannot start without an address; says so with this hint. */
    private static FakeProvider pushOnly(String fixHint) {
        return FakeProvider.opening(context -> new FakeChannel(context) {
            @Override
            public void start() throws ChannelException {
                if (context.webhookUrl().isEmpty()) {
                    state = com.smartchat.channel.spi.ChannelState.NEEDS_ATTENTION;
                    throw new ChannelException(FailureKind.INVALID_REQUEST, "The host has no public address, so "
                            + "Fake cannot reach this channel.", fixHint, null, null);
                }
                super.start();
            }
        });
    }
}
