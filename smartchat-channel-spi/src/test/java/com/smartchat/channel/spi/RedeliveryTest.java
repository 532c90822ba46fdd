package com.smartchat.channel.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RedeliveryTest {

    private final Host host = new Host();
    private final List<ChannelStatus> reports = new CopyOnWriteArrayList<>();
    private final Redelivery redelivery = new Redelivery(host, reports::add);

    @Test
    void anEventTheHostStoresAtOnceIsDeliveredOnceAndReportsNothing() throws Exception {
        InboundEvent event = event("1");

        redelivery.deliver(event);

        assertThat(host.stored).containsExactly(event);
        assertThat(host.attempts).hasValue(1);
        assertThat(reports).isEmpty();
    }

    @Test
    void anEventIsDeliveredAgainWithGrowingPausesUntilStoredWhileTheChannelShowsDegraded() throws Exception {
        host.failNext(3, new DeliveryException("The database is down", null));
        InboundEvent event = event("1");
        long start = System.nanoTime();

        redelivery.deliver(event);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(100 + 200 + 400));
        assertThat(host.stored).containsExactly(event);
        assertThat(host.attempts).hasValue(4);
        assertThat(reports).extracting(ChannelStatus::state).containsExactly(ChannelState.DEGRADED, ChannelState.RUNNING);
        assertThat(reports.getFirst().reason()).contains("could not store");
    }

    @Test
    void aFailureThatIsABugIsTriedAgainToo() throws Exception {
        host.failNext(1, new IllegalStateException("a bug"));

        redelivery.deliver(event("1"));

        assertThat(host.attempts).hasValue(2);
        assertThat(host.stored).hasSize(1);
    }

    @Test
    void aBatchIsDeliveredWholeInOneCallAgainUntilStored() throws Exception {
        host.failNext(2, new DeliveryException("The database is down", null));
        List<InboundEvent> batch = List.of(event("1"), event("2"), event("3"));

        redelivery.deliver(batch);

        assertThat(host.attempts).hasValue(3);
        assertThat(host.stored).containsExactlyElementsOf(batch);
        assertThat(reports).extracting(ChannelStatus::state).containsExactly(ChannelState.DEGRADED, ChannelState.RUNNING);
    }

    @Test
    void anEmptyBatchCallsNothing() throws Exception {
        redelivery.deliver(List.of());

        assertThat(host.attempts).hasValue(0);
    }

    @Test
    void interruptingTheThreadStopsTheDeliveryWhileTheHostCannotStore() throws Exception {
        host.failNext(Integer.MAX_VALUE, new DeliveryException("The database is down", null));
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        Thread thread = Thread.ofVirtual().start(() -> {
            try {
                redelivery.deliver(event("1"));
                ended.complete(null);
            } catch (InterruptedException e) {
                ended.complete(e);
            }
        });
        while (host.attempts.get() < 2) {
            Thread.sleep(10);
        }

        thread.interrupt();

        assertThat(ended.get(1, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        assertThat(host.stored).isEmpty();
        assertThat(reports).extracting(ChannelStatus::state).containsExactly(ChannelState.DEGRADED);
    }

    @Test
    void eachPauseIsTwiceTheOneBeforeUpToTheLongest() {
        List<Duration> pauses = new ArrayList<>(List.of(Redelivery.FIRST_PAUSE));
        for (int i = 0; i < 8; i++) {
            pauses.add(Redelivery.next(pauses.getLast()));
        }

        assertThat(pauses).extracting(Duration::toMillis)
                .containsExactly(100L, 200L, 400L, 800L, 1600L, 3200L, 5000L, 5000L, 5000L);
    }

    private static InboundEvent event(String id) {
        return new InboundEvent.MessageReceived(id, Instant.EPOCH, new Conversation("c", Conversation.Kind.PRIVATE, null),
                new AudienceMember("m", "M", null, null), id, "hello", List.of(), null);
    }

    /** A host whose store fails a given number of times, then stores. */
    private static final class Host implements ChannelContext, InboundSink {
        final List<InboundEvent> stored = new CopyOnWriteArrayList<>();
        final AtomicInteger attempts = new AtomicInteger();
        private volatile int failures;
        private volatile RuntimeException bug;
        private volatile DeliveryException outage;

        void failNext(int count, Exception failure) {
            failures = count;
            if (failure instanceof DeliveryException e) {
                outage = e;
            } else {
                bug = (RuntimeException) failure;
            }
        }

        @Override
        public void deliver(InboundEvent event) throws DeliveryException {
            deliver(List.of(event));
        }

        @Override
        public void deliver(List<? extends InboundEvent> events) throws DeliveryException {
            if (attempts.incrementAndGet() <= failures) {
                if (bug != null) {
                    throw bug;
                }
                throw outage;
            }
            stored.addAll(events);
        }

        @Override
        public String channelId() {
            return "42";
        }

        @Override
        public ChannelSettings settings() {
            return ChannelSettings.of(1, java.util.Map.of());
        }

        @Override
        public InboundSink inbound() {
            return this;
        }

        @Override
        public ExecutorService executor() {
            throw new UnsupportedOperationException("not used by Redelivery");
        }

        @Override
        public ScheduledExecutorService scheduler() {
            throw new UnsupportedOperationException("not used by Redelivery");
        }

        @Override
        public Clock clock() {
            return Clock.systemUTC();
        }

        @Override
        public ChannelMetrics metrics() {
            throw new UnsupportedOperationException("not used by Redelivery");
        }

        @Override
        public System.Logger logger() {
            return System.getLogger(RedeliveryTest.class.getName());
        }

        @Override
        public void report(ChannelStatus status) {
            throw new UnsupportedOperationException("Redelivery reports where it is told");
        }
    }
}
