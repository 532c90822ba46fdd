package com.smartchat.host.channels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.smartchat.channel.spi.ChannelState;
import com.smartchat.host.channels.ScriptedProvider.Start;
import com.smartchat.host.spaces.SpaceRepository;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

@SpringBootTest(properties = {
        "smartchat.channels.restart-delay=100ms",
        "smartchat.channels.max-restart-delay=400ms",
        "smartchat.channels.max-restarts=3",
        "smartchat.channels.start-timeout=30s",
        "smartchat.channels.stop-timeout=30s",
        "smartchat.channels.startup-concurrency=2",
        "smartchat.channels.startup-rate=20"})
class ChannelLifecycleTest {

    @Autowired
    ChannelService service;
    @Autowired
    ChannelRepository channels;
    @Autowired
    ChannelSupervisor supervisor;
    @Autowired
    SpaceRepository spaces;

    @Test
    void aNewChannelRunsAndItsHistoryTellsHowItGotThere() {
        UUID id = create("runs");

        awaitState(id, ChannelState.RUNNING);
        assertThat(states(id)).containsSubsequence(ChannelState.CREATED, ChannelState.STARTING, ChannelState.RUNNING);
        assertThat(channels.find(id).orElseThrow().generation()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aRevokedCredentialWaitsForTheAdminWithoutARestartLoop() {
        ScriptedProvider.script("revoked", Start.FAIL_UNAUTHORIZED);
        UUID id = create("revoked");

        awaitState(id, ChannelState.NEEDS_ATTENTION);
        ChannelRecord channel = channels.find(id).orElseThrow();
        assertThat(channel.stateReason()).isEqualTo("The key was revoked");
        assertThat(channel.fixHint()).isEqualTo("Paste a new key");
        awaitARestart();
        assertThat(ScriptedProvider.starts("revoked")).isEqualTo(1);
        assertThat(ScriptedProvider.stops("revoked")).isEqualTo(1);
    }

    @Test
    void aFailedStartIsRetriedWithGrowingDelaysUntilItRuns() {
        ScriptedProvider.script("flaky", Start.FAIL_TRANSIENT, Start.FAIL_TRANSIENT);
        UUID id = create("flaky");

        awaitState(id, ChannelState.RUNNING);
        assertThat(ScriptedProvider.starts("flaky")).isEqualTo(3);
        assertThat(states(id)).containsSubsequence(ChannelState.FAILED, ChannelState.STARTING, ChannelState.FAILED,
                ChannelState.STARTING, ChannelState.RUNNING);
    }

    @Test
    void aCrashLoopStopsAtTheCapAndSaysSo() {
        ScriptedProvider.script("crashing", Start.FAIL_TRANSIENT, Start.FAIL_TRANSIENT, Start.FAIL_TRANSIENT,
                Start.FAIL_TRANSIENT, Start.FAIL_TRANSIENT, Start.FAIL_TRANSIENT);
        UUID id = create("crashing");

        await().atMost(Duration.ofSeconds(10)).until(() ->
                String.valueOf(channels.find(id).orElseThrow().stateReason()).contains("gave up after 3 automatic restarts"));
        assertThat(ScriptedProvider.starts("crashing")).isEqualTo(4);
        assertThat(channels.find(id).orElseThrow().fixHint()).isEqualTo("Fix the cause, then press Start.");
    }

    @Test
    void anAdminStartLiftsTheCrashLoopCap() {
        ScriptedProvider.script("capped", Start.FAIL_TRANSIENT, Start.FAIL_TRANSIENT, Start.FAIL_TRANSIENT,
                Start.FAIL_TRANSIENT);
        UUID id = create("capped");
        await().atMost(Duration.ofSeconds(10)).until(() ->
                String.valueOf(channels.find(id).orElseThrow().stateReason()).contains("gave up"));

        service.act(id, "start", "tester");

        awaitState(id, ChannelState.RUNNING);
    }

    @Test
    void aChannelThatReportsARevokedCredentialIsStoppedAndWaits() {
        UUID id = create("revoked-later");
        awaitState(id, ChannelState.RUNNING);

        ScriptedProvider.channel("revoked-later").report(ChannelState.NEEDS_ATTENTION, "Token revoked", "Paste a new token");

        awaitState(id, ChannelState.NEEDS_ATTENTION);
        assertThat(channels.find(id).orElseThrow().fixHint()).isEqualTo("Paste a new token");
        assertThat(supervisor.run(id)).isEmpty();
        awaitARestart();
        assertThat(ScriptedProvider.starts("revoked-later")).isEqualTo(1);
    }

    @Test
    void aChannelThatReportsAFailureIsRestarted() {
        UUID id = create("fails-later");
        awaitState(id, ChannelState.RUNNING);

        ScriptedProvider.channel("fails-later").report(ChannelState.FAILED, "Poller died", null);

        await().atMost(Duration.ofSeconds(10)).until(() -> ScriptedProvider.starts("fails-later") == 2);
        awaitState(id, ChannelState.RUNNING);
        assertThat(states(id)).containsSubsequence(ChannelState.RUNNING, ChannelState.FAILED, ChannelState.RUNNING);
    }

    @Test
    void anAdminStopIsRecordedAndRepeatable() {
        UUID id = create("stopped");
        awaitState(id, ChannelState.RUNNING);

        service.act(id, "stop", "tester");
        service.act(id, "stop", "tester");

        ChannelRecord channel = channels.find(id).orElseThrow();
        assertThat(channel.state()).isEqualTo(ChannelState.STOPPED);
        assertThat(channel.enabled()).isFalse();
        assertThat(ScriptedProvider.stops("stopped")).isEqualTo(1);
        assertThat(channels.history(id, 20)).anyMatch(event -> "stopped".equals(event.action())
                && "tester".equals(event.actor()));
    }

    @Test
    void atBootEveryEnabledChannelStartsAFewAtATimeAndNoFasterThanTheStartupRate() {
        List<UUID> ids = List.of(create("boot-1"), create("boot-2"), create("boot-3"), create("boot-4"),
                create("boot-5"));
        ids.forEach(id -> awaitState(id, ChannelState.RUNNING));
        supervisor.stop();
        assertThat(supervisor.runningCount()).isZero();
        ScriptedProvider.resetConcurrentStarts("boot");

        long begun = System.nanoTime();
        supervisor.start();

        ids.forEach(id -> awaitState(id, ChannelState.RUNNING));
        await().until(() -> ids.stream().allMatch(id -> supervisor.run(id).isPresent()));
        assertThat(ScriptedProvider.maxConcurrentStarts("boot")).isBetween(1, 2);
        // 20 a second: one start in each 50 ms slot, the fifth one in the fifth slot at the earliest
        assertThat(Duration.ofNanos(System.nanoTime() - begun)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    }

    private UUID create(String name) {
        UUID space = spaces.create("Space for " + name).id();
        return service.create(space, "scripted", Map.of("name", name, "key", "k1"), "tester").id();
    }

    /**
     * Waits until a channel that failed after the one under test was restarted: a restart the supervisor had
     * scheduled for that one, after the same first delay on the same timer, would have happened by then.
     */
    private void awaitARestart() {
        String witness = "witness-" + UUID.randomUUID();
        ScriptedProvider.script(witness, Start.FAIL_TRANSIENT);
        UUID id = create(witness);
        awaitState(id, ChannelState.RUNNING);
        assertThat(ScriptedProvider.starts(witness)).isEqualTo(2);
    }

    private void awaitState(UUID id, ChannelState state) {
        await().atMost(Duration.ofSeconds(30)).until(() -> channels.find(id).orElseThrow().state() == state);
    }

    private List<ChannelState> states(UUID id) {
        return channels.history(id, 100).reversed().stream().filter(event -> event.state() != null)
                .map(ChannelEvent::state).toList();
    }
}
