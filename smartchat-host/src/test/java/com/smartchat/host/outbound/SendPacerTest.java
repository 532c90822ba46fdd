package com.smartchat.host.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.smartchat.channel.spi.RateLimit;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The pacer against Telegram's rules as its emulator enforces them: no window ever holds one send too many. */
class SendPacerTest {

    private static final List<RateLimit> TELEGRAM = List.of(
            new RateLimit(RateLimit.Scope.CONVERSATION, 1, Duration.ofSeconds(1), 3),
            new RateLimit(RateLimit.Scope.GROUP_CONVERSATION, 20, Duration.ofMinutes(1), 20),
            new RateLimit(RateLimit.Scope.CHANNEL, 30, Duration.ofSeconds(1), 30));
    private static final List<RateLimit> ONE_A_SECOND =
            List.of(new RateLimit(RateLimit.Scope.CHANNEL, 1, Duration.ofSeconds(1), 1));
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final SendPacer pacer = new SendPacer(Duration.ofSeconds(15));
    private final UUID channel = UUID.randomUUID();

    /** Sends the message as soon as the pacer lets it, answered after {@code rtt}; returns when each went. */
    private List<Instant> sendAll(List<String> conversations, boolean group, Duration rtt) {
        List<Instant> sent = new ArrayList<>();
        Instant clock = T0;
        for (String conversation : conversations) {
            Instant at = pacer.schedule(channel, conversation, group, TELEGRAM, clock);
            Instant due = at;
            UUID id = UUID.randomUUID();
            while (true) {
                clock = at.isAfter(clock) ? at : clock;
                SendPacer.Admission admission = pacer.admit(channel, conversation, group, TELEGRAM, id, due, clock);
                if (admission.admitted()) {
                    sent.add(clock);
                    pacer.sent(admission.ticket(), clock.plus(rtt));
                    break;
                }
                at = admission.retryAt();
            }
        }
        return sent;
    }

    @Test
    void aBotSendsAtMostThirtyInAnySecondAndKeepsThePace() {
        List<String> chats = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            chats.add(String.valueOf(1000 + i));
        }
        List<Instant> sent = sendAll(chats, false, Duration.ofMillis(3));
        for (int i = 30; i < sent.size(); i++) {
            // the 31st send after any send leaves a full second after that one was answered
            assertThat(Duration.between(sent.get(i - 30), sent.get(i))).isGreaterThanOrEqualTo(Duration.ofMillis(1003));
        }
        // 300 messages: ten windows of thirty, plus the answers' delay each time
        assertThat(Duration.between(T0, sent.getLast())).isLessThan(Duration.ofMillis(9_200));
    }

    @Test
    void aGroupGetsTwentyAMinuteInBurstsOfThreeThenOneASecond() {
        List<String> group = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            group.add("-100");
        }
        List<Instant> sent = sendAll(group, true, Duration.ofMillis(3));
        assertThat(Duration.between(T0, sent.get(2))).isLessThan(Duration.ofMillis(10));
        assertThat(Duration.between(sent.get(2), sent.get(3))).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        for (int i = 20; i < sent.size(); i++) {
            assertThat(Duration.between(sent.get(i - 20), sent.get(i))).isGreaterThanOrEqualTo(Duration.ofMillis(60_003));
        }
        // three minutes' worth, the third starting at 120 s: close to the 137 s that the rules allow at best
        assertThat(Duration.between(T0, sent.getLast())).isLessThan(Duration.ofSeconds(140));
    }

    @Test
    void aSendStillInFlightCountsUntilItIsAnswered() {
        pacer.schedule(channel, "1", false, ONE_A_SECOND, T0);
        SendPacer.Admission first = pacer.admit(channel, "1", false, ONE_A_SECOND, UUID.randomUUID(), T0, T0);
        assertThat(first.admitted()).isTrue();
        Instant later = T0.plusSeconds(5);
        UUID second2 = UUID.randomUUID();
        SendPacer.Admission second = pacer.admit(channel, "2", false, ONE_A_SECOND, second2, later, later);
        assertThat(second.admitted()).isFalse();
        assertThat(second.retryAt()).isAfter(later);
        pacer.sent(first.ticket(), later);
        assertThat(pacer.admit(channel, "2", false, ONE_A_SECOND, second2, later, later).admitted()).isFalse();
        assertThat(pacer.admit(channel, "2", false, ONE_A_SECOND, second2, later,
                later.plusSeconds(1).plus(SendPacer.CLOCK_SLACK)).admitted()).isTrue();
    }

    @Test
    void aSendWaitingForAnswersIsWokenByTheFirstAnswerInsteadOfAskingAgainAndAgain() throws InterruptedException {
        Instant now = Instant.now();
        SendPacer.Admission inFlight = pacer.admit(channel, "1", false, ONE_A_SECOND, UUID.randomUUID(), now, now);
        AtomicBoolean refused = new AtomicBoolean();
        CountDownLatch waiting = new CountDownLatch(1);
        Thread next = Thread.ofVirtual().start(() -> {
            refused.set(!pacer.admit(channel, "2", false, ONE_A_SECOND, UUID.randomUUID(), now, now).admitted());
            waiting.countDown();
            SendPacer.await(Instant.now().plusSeconds(60), Clock.systemUTC());
        });
        waiting.await();

        pacer.sent(inFlight.ticket(), Instant.now());

        assertThat(next.join(Duration.ofSeconds(20))).isTrue();
        assertThat(refused).isTrue();
    }

    @Test
    void aSendBehindAnotherInLineWaitsToBeWokenWhenItsTurnComesNotForTheWindowToFreeUp() throws InterruptedException {
        Instant now = Instant.now();
        UUID first = firstInLine(now);
        Thread second = waitBehind(now);

        Instant free = now.plusSeconds(1).plus(SendPacer.CLOCK_SLACK);
        assertThat(pacer.admit(channel, "2", false, ONE_A_SECOND, first, now, free).admitted()).isTrue();

        assertThat(second.join(Duration.ofSeconds(5))).as("woken when it became first in line").isTrue();
    }

    @Test
    void aSendFirstInLineThatGivesUpWakesTheNextOne() throws InterruptedException {
        Instant now = Instant.now();
        UUID first = firstInLine(now);
        Thread second = waitBehind(now);

        pacer.forget(channel, first);

        assertThat(second.join(Duration.ofSeconds(5))).isTrue();
    }

    @Test
    void stoppingWakesEverySendWaitingInLine() throws InterruptedException {
        Instant now = Instant.now();
        firstInLine(now);
        Thread second = waitBehind(now);

        pacer.wakeAll();

        assertThat(second.join(Duration.ofSeconds(5))).isTrue();
    }

    /** Fills a window of one send a second, answered {@code now}, and puts a send first in line; returns that send. */
    private UUID firstInLine(Instant now) {
        pacer.sent(pacer.admit(channel, "1", false, ONE_A_SECOND, UUID.randomUUID(), now, now).ticket(), now);
        UUID first = UUID.randomUUID();
        SendPacer.Admission waits = pacer.admit(channel, "2", false, ONE_A_SECOND, first, now, now);
        // first in line, it waits for the moment the window frees up
        assertThat(waits.retryAt()).isEqualTo(now.plusSeconds(1).plus(SendPacer.CLOCK_SLACK));
        return first;
    }

    /**
     * A send behind the first in line, waiting on a thread of its own as the dispatcher does. It would only find the
     * room taken by the first, so it does not ask again when the window frees up: it waits to be woken.
     */
    private Thread waitBehind(Instant now) throws InterruptedException {
        AtomicReference<Instant> retryAt = new AtomicReference<>();
        CountDownLatch waiting = new CountDownLatch(1);
        Thread thread = Thread.ofVirtual().start(() -> {
            retryAt.set(pacer.admit(channel, "3", false, ONE_A_SECOND, UUID.randomUUID(), now.plusMillis(1), now)
                    .retryAt());
            waiting.countDown();
            SendPacer.await(retryAt.get(), Clock.systemUTC());
        });
        waiting.await();
        assertThat(retryAt.get()).isAfter(now.plusSeconds(10));
        return thread;
    }

    @Test
    void theSendWaitingLongestForRoomUnderTheChannelLimitGoesFirst() {
        List<RateLimit> twoASecond = List.of(new RateLimit(RateLimit.Scope.CHANNEL, 2, Duration.ofSeconds(1), 2));
        for (String chat : List.of("1", "2")) {
            SendPacer.Admission admission = pacer.admit(channel, chat, false, twoASecond, UUID.randomUUID(), T0, T0);
            pacer.sent(admission.ticket(), T0);
        }
        UUID early = UUID.randomUUID();
        UUID late = UUID.randomUUID();
        SendPacer.Admission waiting = pacer.admit(channel, "3", false, twoASecond, early, T0.plusMillis(100), T0.plusMillis(100));
        assertThat(waiting.admitted()).isFalse();
        Instant free = T0.plusSeconds(1).plus(SendPacer.CLOCK_SLACK);
        assertThat(waiting.retryAt()).isEqualTo(free);
        SendPacer.Admission yielding = pacer.admit(channel, "4", false, twoASecond, late, T0.plusMillis(900), free);
        assertThat(yielding.admitted()).isFalse();
        assertThat(pacer.admit(channel, "3", false, twoASecond, early, T0.plusMillis(100), free).admitted()).isTrue();
        assertThat(pacer.admit(channel, "4", false, twoASecond, late, T0.plusMillis(900), free.plusMillis(5)).admitted()).isTrue();
    }

    @Test
    void aGroupsSendGoesBeforePrivateOnesThatWaitedLonger() {
        List<RateLimit> twoASecond = List.of(new RateLimit(RateLimit.Scope.CHANNEL, 2, Duration.ofSeconds(1), 2));
        for (String chat : List.of("1", "2")) {
            pacer.sent(pacer.admit(channel, chat, false, twoASecond, UUID.randomUUID(), T0, T0).ticket(), T0);
        }
        UUID waitingPrivate = UUID.randomUUID();
        assertThat(pacer.admit(channel, "3", false, twoASecond, waitingPrivate, T0.plusMillis(100), T0.plusMillis(100))
                .admitted()).isFalse();
        Instant free = T0.plusSeconds(1).plus(SendPacer.CLOCK_SLACK);

        assertThat(pacer.admit(channel, "-100", true, twoASecond, UUID.randomUUID(), T0.plusMillis(900), free)
                .admitted()).isTrue();
        assertThat(pacer.admit(channel, "3", false, twoASecond, waitingPrivate, T0.plusMillis(100), free).admitted())
                .isTrue();
    }

    @Test
    void aSendThatGaveUpWaitingHoldsNoOneBack() {
        pacer.sent(pacer.admit(channel, "1", false, ONE_A_SECOND, UUID.randomUUID(), T0, T0).ticket(), T0);
        UUID gaveUp = UUID.randomUUID();
        assertThat(pacer.admit(channel, "2", false, ONE_A_SECOND, gaveUp, T0, T0.plusMillis(10)).admitted()).isFalse();
        pacer.forget(channel, gaveUp);
        assertThat(pacer.admit(channel, "3", false, ONE_A_SECOND, UUID.randomUUID(), T0.plusMillis(20),
                T0.plusSeconds(1).plus(SendPacer.CLOCK_SLACK)).admitted()).isTrue();
    }
}
