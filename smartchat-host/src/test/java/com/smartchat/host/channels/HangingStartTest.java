package com.smartchat.host.channels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.smartchat.channel.spi.ChannelState;
import com.smartchat.host.channels.ScriptedProvider.Start;
import com.smartchat.host.spaces.SpaceRepository;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * A start that never returns is abandoned at the start timeout and restarted like a failure. The timeout is short here
 * only because the start it abandons never ends, whatever the timeout; {@link ChannelLifecycleTest} gives starts
 * that do end a generous one.
 */
@SpringBootTest(properties = {
        "smartchat.channels.restart-delay=100ms",
        "smartchat.channels.start-timeout=1s"})
class HangingStartTest {

    @Autowired
    ChannelService service;
    @Autowired
    ChannelRepository channels;
    @Autowired
    SpaceRepository spaces;

    @Test
    void aStartThatHangsIsAbandonedAndCountsAsAFailure() {
        ScriptedProvider.script("hanging", Start.HANG);
        UUID id = service.create(spaces.create("Space for hanging").id(), "scripted",
                Map.of("name", "hanging", "key", "k1"), "tester").id();

        await().atMost(Duration.ofSeconds(30)).until(() -> ScriptedProvider.starts("hanging") == 2);
        assertThat(channels.history(id, 100)).anyMatch(event -> event.state() == ChannelState.FAILED);
        await().atMost(Duration.ofSeconds(30)).until(() -> channels.find(id).orElseThrow().state() == ChannelState.RUNNING);
    }
}
