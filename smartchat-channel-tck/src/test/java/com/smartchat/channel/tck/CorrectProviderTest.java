package com.smartchat.channel.tck;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class CorrectProviderTest {

    @Test
    void aProviderThatObeysEveryRulePassesEveryRule() {
        KitRun run = KitRun.of(new FakeProvider());

        assertThat(run.failures()).isEmpty();
        assertThat(run.skipped()).isEmpty();
        assertThat(run.passed()).containsExactlyInAnyOrderElementsOf(Arrays.stream(
                        ChannelProviderConformanceTest.class.getDeclaredMethods())
                .filter(method -> method.isAnnotationPresent(Test.class))
                .map(Method::getName)
                .toList());
    }
}
