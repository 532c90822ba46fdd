package com.smartchat.channel.tck;

import com.smartchat.channel.spi.Channel;
import com.smartchat.channel.spi.ChannelProvider;
import com.smartchat.channel.spi.ChannelContext;
import com.smartchat.channel.spi.ChannelSettings;
import com.smartchat.channel.spi.Secret;
import com.smartchat.channel.spi.WebhookRequest;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * One run of the conformance kit against one provider, as a plugin's build runs it, and the outcome of each rule.
 */
final class KitRun {

    private static volatile ChannelProvider provider;
    private static volatile ChannelSettings settings;
    /** A bound shorter than the kit's own (which a correct provider meets on a loaded machine too), or null. */
    private static volatile Duration bound;

    /** The kit as a plugin author extends it, for the provider of the run in progress. */
    static class Kit extends ChannelProviderConformanceTest {
        @Override
        protected ChannelProvider provider() {
            return provider;
        }

        @Override
        protected ChannelSettings validSettings() {
            return settings;
        }

        @Override
        protected Duration startStopBound() {
            return bound != null ? bound : super.startStopBound();
        }

        /** A user of Fake writes, when the channel is Fake's. */
        @Override
        protected boolean sendEvent(Channel channel) {
            if (channel instanceof FakeChannel fake) {
                fake.network.send("Hello");
                return true;
            }
            return false;
        }

        /** Fake pushes a message from alice, signed with the channel's token. */
        @Override
        protected WebhookRequest authenticWebhook(ChannelContext context) {
            return FakeNetwork.push(context.settings().secret("token").map(Secret::reveal).orElse(""), "Hello");
        }

        /**
         * Short, so that the rules on receiving fail fast: the fake delivers again after 10 ms, which a second leaves
         * room for on a loaded machine too.
         */
        @Override
        protected Duration deliveryBound() {
            return Duration.ofSeconds(1);
        }
    }

    private final Map<String, TestExecutionResult> results = new TreeMap<>();

    private KitRun() {
    }

    /** Runs every rule against a provider, with {@link FakeProvider#validSettings()}. */
    static KitRun of(ChannelProvider provider) {
        return of(provider, FakeProvider.validSettings());
    }

    /** Runs every rule against a provider, with these settings as its valid settings. */
    static KitRun of(ChannelProvider provider, ChannelSettings settings) {
        return run(provider, settings, null);
    }

    /**
     * Runs every rule against a provider with a call or task that never ends, under a bound of a second: whatever the
     * bound, what never ends outlasts it, and a short one keeps the test quick.
     */
    static KitRun ofHanging(ChannelProvider provider) {
        return run(provider, FakeProvider.validSettings(), Duration.ofSeconds(1));
    }

    private static synchronized KitRun run(ChannelProvider provider, ChannelSettings settings, Duration bound) {
        KitRun.provider = provider;
        KitRun.settings = settings;
        KitRun.bound = bound;
        KitRun run = new KitRun();
        EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(Kit.class))
                .execute()
                .testEvents()
                .finished()
                .stream()
                .forEach(event -> run.results.put(ruleOf(event), event.getRequiredPayload(TestExecutionResult.class)));
        return run;
    }

    private static String ruleOf(Event event) {
        return event.getTestDescriptor().getSource()
                .map(source -> ((MethodSource) source).getMethodName())
                .orElseThrow();
    }

    /** The rules that failed, each with its failure message. */
    Map<String, String> failures() {
        return withStatus(TestExecutionResult.Status.FAILED);
    }

    /** The rules that were skipped, each with the reason. */
    Map<String, String> skipped() {
        return withStatus(TestExecutionResult.Status.ABORTED);
    }

    /** The rules that passed. */
    Set<String> passed() {
        return withStatus(TestExecutionResult.Status.SUCCESSFUL).keySet();
    }

    /** The failure message of one rule. */
    String message(String rule) {
        String message = failures().get(rule);
        if (message == null) {
            throw new AssertionError("Rule " + rule + " did not fail; failures: " + failures());
        }
        return message;
    }

    private static String describe(Throwable thrown) {
        return thrown.getMessage() == null ? thrown.toString() : thrown.getMessage();
    }

    private Map<String, String> withStatus(TestExecutionResult.Status status) {
        Map<String, String> selected = new TreeMap<>();
        results.forEach((rule, result) -> {
            if (result.getStatus() == status) {
                selected.put(rule, result.getThrowable().map(KitRun::describe).orElse(""));
            }
        });
        return selected;
    }
}
