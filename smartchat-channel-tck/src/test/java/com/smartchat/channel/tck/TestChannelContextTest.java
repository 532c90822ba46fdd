package com.smartchat.channel.tck;

import com.smartchat.channel.spi.ChannelState;
import com.smartchat.channel.spi.ChannelStatus;
import com.smartchat.channel.spi.Conversation;
import com.smartchat.channel.spi.DeliveryException;
import com.smartchat.channel.spi.InboundEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestChannelContextTest {

    private final TestChannelContext context = new TestChannelContext(FakeProvider.validSettings());

    @AfterEach
    void closeContext() throws InterruptedException {
        context.close();
    }

    @Test
    void givesAWebhookAddressOnlyWhenMadeWithOne() throws Exception {
        try (TestChannelContext withAddress = new TestChannelContext(FakeProvider.validSettings(), Clock.systemUTC(),
                "https://chat.example.com/hooks/abc")) {
            assertThat(withAddress.webhookUrl()).contains("https://chat.example.com/hooks/abc");
        }
        assertThat(context.webhookUrl()).isEmpty();
    }

    @Test
    void storesAnEventOnceHoweverOftenItIsDelivered() throws Exception {
        context.inbound().deliver(event("1"));
        context.inbound().deliver(event("1"));
        context.inbound().deliver(event("2"));

        assertThat(context.events()).extracting(InboundEvent::eventId).containsExactly("1", "2");
        assertThat(context.deliveryAttempts()).isEqualTo(3);
    }

    @Test
    void failsTheNextDeliveriesOnCommandAndStoresNothingMeanwhile() throws Exception {
        context.failNextDeliveries(2);

        assertThatThrownBy(() -> context.inbound().deliver(event("1"))).isInstanceOf(DeliveryException.class)
                .hasMessageContaining("do not confirm the event");
        assertThatThrownBy(() -> context.inbound().deliver(event("1"))).isInstanceOf(DeliveryException.class);
        assertThat(context.events()).isEmpty();

        context.inbound().deliver(event("1"));
        assertThat(context.events()).extracting(InboundEvent::eventId).containsExactly("1");
        assertThat(context.deliveryAttempts()).isEqualTo(3);
    }

    @Test
    void failsEveryDeliveryUntilToldToAccept() throws Exception {
        context.failDeliveries();
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> context.inbound().deliver(event("1"))).isInstanceOf(DeliveryException.class);
        }

        context.acceptDeliveries();
        context.inbound().deliver(event("1"));

        assertThat(context.events()).hasSize(1);
    }

    @Test
    void storesABatchWholeOrNotAtAll() throws Exception {
        context.refuseEvents(event -> event.eventId().equals("2"));

        assertThatThrownBy(() -> context.inbound().deliver(List.of(event("1"), event("2"))))
                .isInstanceOf(DeliveryException.class);
        assertThat(context.events()).isEmpty();

        context.inbound().deliver(List.of(event("1"), event("3")));
        assertThat(context.events()).extracting(InboundEvent::eventId).containsExactly("1", "3");
        assertThat(context.deliveryAttempts()).isEqualTo(4);
    }

    @Test
    void aHeldDeliveryWaitsAndFailsWhenReleasedByAFailureWhateverComesAfter() throws Exception {
        context.holdDeliveries();
        Future<?> held = context.executor().submit(() -> {
            context.inbound().deliver(List.of(event("1")));
            return null;
        });
        assertThat(context.awaitDeliveryAttempts(1, Duration.ofSeconds(30))).extracting(InboundEvent::eventId)
                .containsExactly("1");
        assertThat(held.isDone()).isFalse();

        context.failDeliveries();
        context.acceptDeliveries();

        assertThatThrownBy(held::get).hasCauseInstanceOf(DeliveryException.class);
        assertThat(context.events()).isEmpty();
    }

    @Test
    void aHeldDeliveryStoresWhenReleasedByAccepting() throws Exception {
        context.holdDeliveries();
        Future<?> held = context.executor().submit(() -> {
            context.inbound().deliver(event("1"));
            return null;
        });
        context.awaitDeliveryAttempts(1, Duration.ofSeconds(30));

        context.acceptDeliveries();

        held.get();
        assertThat(context.events()).extracting(InboundEvent::eventId).containsExactly("1");
    }

    @Test
    void awaitsEventsDeliveredFromAnotherThread() throws Exception {
        context.executor().submit(() -> {
            Thread.sleep(50);
            context.inbound().deliver(event("1"));
            context.inbound().deliver(event("2"));
            return null;
        });

        List<InboundEvent> events = context.awaitEvents(2, Duration.ofSeconds(5));

        assertThat(events).extracting(InboundEvent::eventId).containsExactly("1", "2");
    }

    @Test
    void awaitingEventsThatNeverComeSaysWhatCame() throws Exception {
        context.failNextDeliveries(1);
        assertThatThrownBy(() -> context.inbound().deliver(event("1"))).isInstanceOf(DeliveryException.class);
        context.inbound().deliver(event("1"));

        assertThatThrownBy(() -> context.awaitEvents(2, Duration.ofMillis(50)))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Expected 2 stored events within PT0.05S but the channel stored 1 in 2 "
                        + "delivery attempts: [MessageReceived[eventId=1");
    }

    @Test
    void recordsLogLinesAtEveryLevelWithTheirParametersAndExceptions() {
        System.Logger logger = context.logger();
        IOException failure = new IOException("Connection reset");

        logger.log(System.Logger.Level.TRACE, "Polled {0} updates", 3);
        logger.log(System.Logger.Level.WARNING, "Poll failed", failure);

        assertThat(context.logLines()).containsExactly(
                new TestChannelContext.LogLine(System.Logger.Level.TRACE, "Polled 3 updates", null),
                new TestChannelContext.LogLine(System.Logger.Level.WARNING, "Poll failed", failure));
    }

    @Test
    void recordsReportsInOrder() {
        context.report(ChannelStatus.of(ChannelState.DEGRADED, "Slow network", null));
        context.report(ChannelStatus.running());

        assertThat(context.reports()).extracting(ChannelStatus::state)
                .containsExactly(ChannelState.DEGRADED, ChannelState.RUNNING);
        assertThat(context.lastReport()).contains(ChannelStatus.running());
    }

    @Test
    void countsIncrementsByNameAndByTags() {
        context.metrics().increment("polls", "outcome", "ok");
        context.metrics().increment("polls", "outcome", "ok");
        context.metrics().increment("polls", "outcome", "error");
        context.metrics().record("poll.latency", Duration.ofMillis(12), "outcome", "ok");

        assertThat(context.count("polls")).isEqualTo(3);
        assertThat(context.count("polls", "outcome", "ok")).isEqualTo(2);
        assertThat(context.count("sends")).isZero();
        assertThat(context.timings("poll.latency")).containsExactly(Duration.ofMillis(12));
    }

    @Test
    void refusesTagsThatAreNotPairs() {
        assertThatThrownBy(() -> context.metrics().increment("polls", "outcome"))
                .hasMessageContaining("Metric tags come in name/value pairs, but 'polls' got 1");
    }

    @Test
    void closeInterruptsRunningTasksAndCancelsScheduledOnes() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        Future<?> task = context.executor().submit(() -> {
            running.countDown();
            Thread.sleep(Long.MAX_VALUE);
            return null;
        });
        ScheduledFuture<?> scheduled = context.scheduler().schedule(() -> { }, 1, TimeUnit.HOURS);
        running.await();

        context.close();

        assertThat(task.state()).isEqualTo(Future.State.FAILED);
        assertThat(task.exceptionNow()).isInstanceOf(InterruptedException.class);
        assertThat(scheduled.isDone()).isFalse(); // never runs
        assertThat(context.executor().isTerminated()).isTrue();
        assertThat(context.scheduler().isTerminated()).isTrue();
    }

    private static InboundEvent event(String id) {
        return new InboundEvent.MessageReceived(id, Instant.EPOCH, new Conversation("alice", Conversation.Kind.PRIVATE,
                null), null, id, "Hello", List.of(), null);
    }
}
