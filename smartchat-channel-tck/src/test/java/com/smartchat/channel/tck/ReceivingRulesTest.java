package com.smartchat.channel.tck;

import com.smartchat.channel.spi.DeliveryException;
import com.smartchat.channel.spi.InboundEvent;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kit fails a provider whose channels confirm an event to their network before {@code deliver} returned, whether
 * they deliver in batches or one by one, in the rule's own test, saying what to fix.
 */
class ReceivingRulesTest {

    private static final String[] RECEIVING_RULES = {
            "aFailedDeliveryIsDeliveredAgain", "nothingIsConfirmedBeforeDeliverReturned"};

    @Test
    void confirmingABatchBeforeDeliveringItFails() {
        KitRun run = KitRun.of(FakeProvider.opening(context -> new FakeChannel(context) {
            @Override
            void store(List<InboundEvent> events) throws DeliveryException {
                network.confirm(events);
                context.inbound().deliver(events);
            }
        }));

        assertThat(run.failures()).containsOnlyKeys(RECEIVING_RULES);
        assertThat(run.message("aFailedDeliveryIsDeliveredAgain")).contains("The first delivery of event 1 threw "
                + "DeliveryException, and the channel did not deliver it again within PT1S.", "stored: []");
        assertThat(run.message("nothingIsConfirmedBeforeDeliverReturned")).contains("it must have confirmed it to "
                + "the network before deliver() returned", "stored: []");
    }

    @Test
    void confirmingEventsOneByOneBeforeDeliveringThemFails() {
        KitRun run = KitRun.of(FakeProvider.opening(context -> new FakeChannel(context) {
            @Override
            void store(List<InboundEvent> events) throws DeliveryException {
                for (InboundEvent event : events) {
                    network.confirm(List.of(event));
                    context.inbound().deliver(event);
                }
            }
        }));

        assertThat(run.failures()).containsOnlyKeys(RECEIVING_RULES);
    }

    /** It delivers again after a failure, from memory: only the network's restart shows the event confirmed. */
    @Test
    void confirmingWhileStillDeliveringFails() {
        KitRun run = KitRun.of(FakeProvider.opening(context -> new FakeChannel(context) {
            @Override
            void store(List<InboundEvent> events) throws InterruptedException {
                network.confirm(events);
                while (true) {
                    try {
                        context.inbound().deliver(events);
                        return;
                    } catch (DeliveryException e) {
                        Thread.sleep(10);
                    }
                }
            }
        }));

        assertThat(run.failures()).containsOnlyKeys("nothingIsConfirmedBeforeDeliverReturned");
    }

    @Test
    void confirmingAfterAFailedDeliveryFails() {
        KitRun run = KitRun.of(FakeProvider.opening(context -> new FakeChannel(context) {
            @Override
            void store(List<InboundEvent> events) {
                try {
                    context.inbound().deliver(events);
                } catch (DeliveryException e) {
                    // swallowed: the event is confirmed below all the same
                }
                network.confirm(events);
            }
        }));

        assertThat(run.failures()).containsOnlyKeys(RECEIVING_RULES);
    }

    @Test
    void aChannelThatDeliversNothingFailsSayingSo() {
        KitRun run = KitRun.of(FakeProvider.opening(context -> new FakeChannel(context) {
            @Override
            void store(List<InboundEvent> events) {
                network.confirm(events);
            }
        }));

        assertThat(run.failures()).containsOnlyKeys(RECEIVING_RULES);
        assertThat(run.message("aFailedDeliveryIsDeliveredAgain")).contains("the channel handed nothing to "
                + "context.inbound().deliver() within PT1S");
    }
}
