package com.smartchat.channel.tck;

import com.smartchat.channel.spi.Channel;
import com.smartchat.channel.spi.ChannelContext;
import com.smartchat.channel.spi.ChannelException;
import com.smartchat.channel.spi.ChannelState;
import com.smartchat.channel.spi.ChannelStatus;
import com.smartchat.channel.spi.FailureKind;
import com.smartchat.channel.spi.RateLimit;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The kit fails a provider whose channels break a lifecycle rule, in the rule's own test, saying what to fix. */
class LifecycleRulesTest {

    /** The rules that open a channel with the valid settings and fail when open() does. */
    private static final String[] RULES_THAT_OPEN_A_CHANNEL = {
            "openReturnsAChannelWithoutStartingWork", "startThenStopWithinBound", "stopTwiceIsSafe",
            "startStopStartStopWorks", "stopEndsEveryTaskTheChannelStarted", "stopAfterFailedStartIsSafe",
            "stopWithoutStartIsSafe", "statusIsNeverNullAndNeverThrows", "aFailedDeliveryIsDeliveredAgain",
            "nothingIsConfirmedBeforeDeliverReturned", "webhookRefusesWhatIsNotAuthentic",
            "webhookAnswersSoThatTheNetworkResendsWhenNothingWasStored", "aResentWebhookIsStoredOnce",
            "startWithoutAWebhookAddressRunsOrSaysWhatToSet", "fetchingAFileTheNetworkNeverGaveFailsTyped"};

    @Test
    void workStartedInOpenFails() {
        KitRun run = KitRun.of(new FakeProvider() {
            @Override
            public Channel open(ChannelContext context) {
                context.executor().submit(() -> { }); // stands for connecting early
                return super.open(context);
            }
        });

        assertThat(run.failures()).containsOnlyKeys("openReturnsAChannelWithoutStartingWork");
        assertThat(run.message("openReturnsAChannelWithoutStartingWork"))
                .contains("open() began working before start(): 1 task(s)", "open() must only create the channel");
    }

    @Test
    void openReturningNullFails() {
        KitRun run = KitRun.of(FakeProvider.opening(context -> null));

        assertThat(run.failures()).containsOnlyKeys(RULES_THAT_OPEN_A_CHANNEL);
        assertThat(run.failures().values()).allMatch(message -> message.contains("open() returned null"));
    }

    @Test
    void aStartThatNeverReturnsFails() {
        KitRun run = KitRun.ofHanging(FakeProvider.opening(context -> new FakeChannel(context) {
            @Override
            public void start() throws ChannelException {
                super.start();
                sleepUntilInterrupted(); // stands for running the polling loop on the caller's thread
            }
        }));

        assertThat(run.failures()).containsOnlyKeys("startThenStopWithinBound", "stopTwiceIsSafe",
                "startStopStartStopWorks", "stopEndsEveryTaskTheChannelStarted", "statusIsNeverNullAndNeverThrows",
                "acceptedSecretNeverLeaks", "aFailedDeliveryIsDeliveredAgain",
                "nothingIsConfirmedBeforeDeliverReturned", "webhookRefusesWhatIsNotAuthentic",
                "webhookAnswersSoThatTheNetworkResendsWhenNothingWasStored", "aResentWebhookIsStoredOnce",
                "startWithoutAWebhookAddressRunsOrSaysWhatToSet");
        assertThat(run.message("startThenStopWithinBound")).contains(
                "start() with validSettings() did not return within PT1S. start() must return once receiving has "
                        + "begun: run long-lived work, such as a polling loop, on context.executor().");
    }

    @Test
    void aStartThatFailsWithValidSettingsFails() {
        KitRun run = KitRun.of(FakeProvider.opening(context -> new FakeChannel(context) {
            @Override
            public void start() throws ChannelException {
                throw new ChannelException(FailureKind.TRANSIENT, "Fake is unreachable.");
            }
        }));

        assertThat(run.failures()).containsOnlyKeys("startThenStopWithinBound", "stopTwiceIsSafe",
                "startStopStartStopWorks", "stopEndsEveryTaskTheChannelStarted", "statusIsNeverNullAndNeverThrows",
                "aFailedDeliveryIsDeliveredAgain", "nothingIsConfirmedBeforeDeliverReturned",
                "webhookRefusesWhatIsNotAuthentic", "webhookAnswersSoThatTheNetworkResendsWhenNothingWasStored",
                "aResentWebhookIsStoredOnce", "startWithoutAWebhookAddressRunsOrSaysWhatToSet");
        assertThat(run.message("startThenStopWithinBound")).contains("start() with validSettings() threw "
                + "ChannelException(TRANSIENT): Fake is unreachable.", "point them at a test server");
    }

    @Test
    void aSecondStopThatThrowsFails() {
        KitRun run = KitRun.of(FakeProvider.opening(context -> new FakeChannel(context) {
            private boolean stopped;

            @Override
            public void start() throws ChannelException {
                super.start();
                stopped = false;
            }

            @Override
            public void stop() {
                if (stopped) {
                    throw new IllegalStateException("Already stopped");
                }
                stopped = true;
                super.stop();
            }
        }));

        assertThat(run.failures()).containsOnlyKeys("stopTwiceIsSafe");
        assertThat(run.message("stopTwiceIsSafe")).contains(
                "a second stop() threw IllegalStateException: Already stopped. stop() must never throw");
    }

    @Test
    void aSecondStopThatHangsFails() {
        KitRun run = KitRun.ofHanging(FakeProvider.opening(context -> new FakeChannel(context) {
            @Override
            public void stop() {
                if (state == ChannelState.STOPPED) {
                    sleepUntilInterrupted(); // stands for waiting on a poller that is gone
                }
                super.stop();
            }
        }));

        assertThat(run.failures()).containsOnlyKeys("stopTwiceIsSafe");
        assertThat(run.message("stopTwiceIsSafe")).contains("a second stop() did not return within PT1S. stop() must "
                + "return within a few seconds");
    }

    @Test
    void aChannelThatCannotStartAgainFails() {
        KitRun run = KitRun.of(FakeProvider.opening(context -> new FakeChannel(context) {
            private boolean used;

            @Override
            public void start() throws ChannelException {
                if (used) {
                    throw new ChannelException(FailureKind.TRANSIENT, "This poller was closed.");
                }
                super.start();
                used = true;
            }
        }));

        assertThat(run.failures()).containsOnlyKeys("startStopStartStopWorks",
                "nothingIsConfirmedBeforeDeliverReturned");
        assertThat(run.message("startStopStartStopWorks")).contains("start() after stop() threw "
                + "ChannelException(TRANSIENT): This poller was closed.", "ready to start again");
    }

    @Test
    void aTaskLeftRunningAfterStopFails() {
        KitRun run = KitRun.ofHanging(FakeProvider.opening(context -> new FakeChannel(context) {
            @Override
            public void start() throws ChannelException {
                super.start();
                context.executor().submit(LifecycleRulesTest::sleepUntilInterrupted); // never cancelled
            }
        }));

        assertThat(run.failures()).containsOnlyKeys("stopEndsEveryTaskTheChannelStarted");
        assertThat(run.message("stopEndsEveryTaskTheChannelStarted")).contains(
                "left 1 task(s) still running on context.executor() [test-channel-task-",
                "LifecycleRulesTest.sleepUntilInterrupted", "interrupt or cancel its tasks");
    }

    @Test
    void aTaskLeftScheduledAfterStopFails() {
        KitRun run = KitRun.ofHanging(FakeProvider.opening(context -> new FakeChannel(context) {
            @Override
            public void start() throws ChannelException {
                super.start();
                context.scheduler().scheduleAtFixedRate(() -> { }, 1, 1, TimeUnit.HOURS); // never cancelled
            }
        }));

        assertThat(run.failures()).containsOnlyKeys("stopEndsEveryTaskTheChannelStarted");
        assertThat(run.message("stopEndsEveryTaskTheChannelStarted"))
                .contains("1 task(s) still scheduled on context.scheduler()");
    }

    @Test
    void aStartThatAcceptsAnyCredentialFails() {
        KitRun run = KitRun.of(FakeProvider.opening(context -> new FakeChannel(context) {
            @Override
            public void start() {
                try {
                    super.start();
                } catch (ChannelException e) {
                    // stands for a channel that only finds out later
                }
            }
        }));

        assertThat(run.failures()).containsOnlyKeys("stopAfterFailedStartIsSafe");
        assertThat(run.message("stopAfterFailedStartIsSafe")).contains(
                "start() succeeded with settingsThatFailToStart()", "throw ChannelException(UNAUTHORIZED)",
                "override settingsThatFailToStart()");
    }

    @Test
    void aStartThatFailsUntypedFails() {
        KitRun run = KitRun.of(FakeProvider.opening(context -> new FakeChannel(context) {
            @Override
            public void start() throws ChannelException {
                if (!FakeProvider.VALID_TOKEN.equals(token())) {
                    throw new IllegalStateException("401 Unauthorized");
                }
                super.start();
            }
        }));

        assertThat(run.failures()).containsOnlyKeys("stopAfterFailedStartIsSafe");
        assertThat(run.message("stopAfterFailedStartIsSafe")).contains(
                "start() threw IllegalStateException: 401 Unauthorized instead of a ChannelException", "FailureKind");
    }

    @Test
    void aStopThatThrowsAfterAFailedStartFails() {
        KitRun run = KitRun.of(FakeProvider.opening(context -> new FakeChannel(context) {
            @Override
            public void stop() {
                if (state == ChannelState.NEEDS_ATTENTION) {
                    throw new NullPointerException("poller");
                }
                super.stop();
            }
        }));

        assertThat(run.failures()).containsOnlyKeys("stopAfterFailedStartIsSafe");
        assertThat(run.message("stopAfterFailedStartIsSafe"))
                .contains("stop() after a failed start() threw NullPointerException: poller");
    }

    @Test
    void aStopThatThrowsWithoutStartFails() {
        KitRun run = KitRun.of(FakeProvider.opening(context -> new FakeChannel(context) {
            @Override
            public void stop() {
                if (state == ChannelState.CREATED) {
                    throw new IllegalStateException("Not started");
                }
                super.stop();
            }
        }));

        assertThat(run.failures()).containsOnlyKeys("stopWithoutStartIsSafe");
        assertThat(run.message("stopWithoutStartIsSafe"))
                .contains("stop() without start() threw IllegalStateException: Not started");
    }

    @Test
    void aNullStatusBeforeStartFails() {
        KitRun run = KitRun.of(FakeProvider.opening(context -> new FakeChannel(context) {
            @Override
            public ChannelStatus status() {
                return state == ChannelState.CREATED ? null : super.status();
            }
        }));

        assertThat(run.failures()).containsOnlyKeys("statusIsNeverNullAndNeverThrows");
        assertThat(run.message("statusIsNeverNullAndNeverThrows"))
                .contains("status() before start() returned null", "ChannelStatus.of(CREATED, null, null)");
    }

    @Test
    void aStatusThatThrowsWhileRunningFails() {
        KitRun run = KitRun.of(FakeProvider.opening(context -> new FakeChannel(context) {
            @Override
            public ChannelStatus status() {
                if (state == ChannelState.RUNNING) {
                    throw new IllegalStateException("Poller busy");
                }
                return super.status();
            }
        }));

        assertThat(run.failures()).containsOnlyKeys("statusIsNeverNullAndNeverThrows", "startThenStopWithinBound",
                "startStopStartStopWorks", "startWithoutAWebhookAddressRunsOrSaysWhatToSet");
        assertThat(run.message("statusIsNeverNullAndNeverThrows"))
                .contains("status() while running threw IllegalStateException: Poller busy", "never throw");
    }

    @Test
    void aStatusThatStillSaysRunningAfterStopFails() {
        KitRun run = KitRun.of(FakeProvider.opening(context -> new FakeChannel(context) {
            @Override
            public void stop() {
                super.stop();
                state = ChannelState.RUNNING;
            }
        }));

        assertThat(run.failures()).containsOnlyKeys("startThenStopWithinBound");
        assertThat(run.message("startThenStopWithinBound")).contains("status() after stop() still says RUNNING");
    }

    @Test
    void aStatusThatIsNotRunningAfterStartFails() {
        KitRun run = KitRun.of(FakeProvider.opening(context -> new FakeChannel(context) {
            @Override
            public ChannelStatus status() {
                return ChannelStatus.of(ChannelState.CREATED, null, null);
            }
        }));

        assertThat(run.failures()).containsOnlyKeys("startThenStopWithinBound", "startStopStartStopWorks",
                "startWithoutAWebhookAddressRunsOrSaysWhatToSet");
        assertThat(run.message("startThenStopWithinBound")).contains("status() after start() says "
                + "ChannelStatus[state=CREATED", "say RUNNING, or DEGRADED with a reason");
    }

    @Test
    void nullRateLimitsFail() {
        KitRun run = KitRun.of(new FakeProvider() {
            @Override
            public List<RateLimit> rateLimits() {
                return null;
            }
        });

        assertThat(run.failures()).containsOnlyKeys("rateLimitsAreWellFormed");
        assertThat(run.message("rateLimitsAreWellFormed")).contains("rateLimits() returned null", "List.of()");
    }

    @Test
    void aNullRateLimitFails() {
        KitRun run = KitRun.of(new FakeProvider() {
            @Override
            public List<RateLimit> rateLimits() {
                return Arrays.asList(super.rateLimits().getFirst(), null);
            }
        });

        assertThat(run.failures()).containsOnlyKeys("rateLimitsAreWellFormed");
        assertThat(run.message("rateLimitsAreWellFormed")).contains("rateLimits() contains null");
    }

    static void sleepUntilInterrupted() {
        try {
            Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
