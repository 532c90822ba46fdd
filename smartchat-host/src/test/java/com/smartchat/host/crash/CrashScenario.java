package com.smartchat.host.crash;

import com.smartchat.host.ApiClient;
import com.smartchat.host.ApiClient.Response;
import com.smartchat.telegram.emulator.BotApiEmulator;
import com.smartchat.telegram.emulator.EmulatedBot;
import com.smartchat.telegram.emulator.EmulatedUser;
import com.smartchat.telegram.emulator.EmulatorOptions;
import com.smartchat.telegram.emulator.Faults;
import com.smartchat.telegram.emulator.SentMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import tools.jackson.databind.JsonNode;

/**
 * One crash run: the host as production runs it ({@code java -jar} with the Telegram plugin jar) receives Telegram
 * traffic from many audience members by long polling and by webhook from a Bot API emulator in this process, agents
 * reply through the API, and the host is killed with SIGKILL at random moments and started again on the same data.
 * Then it counts what the host says against what Telegram saw: every member's messages stored exactly once and in
 * order, every member greeted exactly once (or the greeting reported uncertain and delivered at most once), every
 * reply the API accepted delivered exactly once (or reported uncertain and delivered at most once). At the end the
 * host is stopped as an operator stops it (SIGTERM): it must exit as Spring Boot does on SIGTERM and log no error.
 *
 * <p>With {@code botApiFaults}, the Bot API misbehaves on top of the kills, as Telegram and the networks before it
 * do: some getUpdates are answered 502, some sends 429 with {@code retry_after}, some connections are dropped before
 * Telegram read the request, some requests are carried out and their answer lost, some sends are answered late.
 * Nothing may be lost or repeated for that either; a send that may have reached Telegram may be reported uncertain.
 *
 * <p>Random choices (who writes when, when the kills come, which faults) follow the seed; thread timing still varies between runs
 * of one seed. Used by {@code HostCrashIT} (the build) and by the {@code crash} benchmark (longer runs).
 */
public final class CrashScenario {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final String GREETING = "Welcome! An agent answers here soon.";
    /** What a JVM ends with on SIGTERM: 128 + 15. */
    private static final int SIGTERM_EXIT = 143;

    /**
     * What to run.
     *
     * @param channelsPerMode channels receiving by long polling, and as many by webhook
     * @param members audience members per channel
     * @param messages numbered messages each member sends
     * @param kills SIGKILLs, each at a random moment up to {@code maxKillDelay} after the host was ready
     * @param botApiFaults whether the Bot API injects faults while the audience writes
     * @param hostJar the host's runnable jar
     * @param pluginsDir the plugins directory for the host (the Telegram plugin jar)
     * @param dataDir the host's data directory, new
     * @param log the host's output, appended to across restarts
     * @param hostArgs more settings for the host, as {@code --name=value}
     */
    public record Settings(long seed, int channelsPerMode, int members, int messages, int kills,
                           boolean botApiFaults, Duration maxKillDelay, Path hostJar, Path pluginsDir, Path dataDir, Path log,
                           List<String> hostArgs, Duration settleTimeout) {
    }

    /**
     * What a run found.
     *
     * @param killedAfter how long after the host was ready each kill came
     * @param restarts how long each start took, to ready, the first included
     * @param faults how many faults of each kind the Bot API was told to inject
     * @param problems every difference between what the host says and what Telegram saw; empty when all is well
     */
    public record Result(long seed, int members, int messagesSent, long messagesStored, int greetingsUncertain,
                         long greetingsUncertainDelivered, int repliesPosted, long repliesAccepted, int repliesSent,
                         int repliesUncertain, List<Duration> killedAfter, List<Duration> restarts,
                         Map<String, Integer> faults, Duration duration, List<String> problems) {

        /** One line of figures. */
        public String summary() {
            return "seed " + seed + ": " + members + " members sent " + messagesSent + " messages, " + messagesStored
                    + " stored; " + killedAfter.size() + " kills at " + killedAfter.stream().map(Duration::toMillis)
                    .toList() + " ms after ready; greetings uncertain " + greetingsUncertain + " (delivered "
                    + greetingsUncertainDelivered + "); replies posted " + repliesPosted + ", accepted "
                    + repliesAccepted + ", sent " + repliesSent + ", uncertain " + repliesUncertain + "; "
                    + (faults.isEmpty() ? "" : "faults " + faults + "; ") + problems.size() + " problems; " + duration.toSeconds() + " s";
        }
    }

    /** A channel of the run and its audience. */
    private record Channel(EmulatedBot bot, String mode, List<EmulatedUser> members, String api) {
    }

    /** A reply posted through the API: {@code accepted} when the API answered 202, else its fate is unknown. */
    private record Reply(Channel channel, EmulatedUser member, String text, boolean accepted) {
    }

    private final Settings settings;
    private final Map<String, String> conversations = new ConcurrentHashMap<>();

    private CrashScenario(Settings settings) {
        this.settings = settings;
    }

    /** Runs the scenario; the host is stopped and the emulator closed when it returns. */
    public static Result run(Settings settings) throws IOException, InterruptedException {
        return new CrashScenario(settings).run();
    }

    private Result run() throws IOException, InterruptedException {
        long began = System.nanoTime();
        Random random = new Random(settings.seed());
        int port = freePort();
        Files.createDirectories(settings.log().getParent());
        List<String> hostSettings = new ArrayList<>(List.of(
                "--smartchat.data-dir=" + settings.dataDir(),
                "--smartchat.plugins.dir=" + settings.pluginsDir(),
                "--smartchat.public-url=http://localhost:" + port,
                "--smartchat.plugins.telegram.poll-timeout=2",
                "--smartchat.channels.restart-delay=200ms",
                // a send under way when the host died is found when its claim ends: within the run
                "--smartchat.outbound.lease=15s",
                "--smartchat.outbound.send-timeout=10s"));
        // Telegram keeps retrying a webhook update while the host is down (for about a day)
        try (BotApiEmulator telegram = BotApiEmulator.start(EmulatorOptions.defaults()
                .withWebhookRetries(40, Duration.ofMillis(50)))) {
            hostSettings.add("--smartchat.plugins.telegram.api-url=" + telegram.baseUrl());
            hostSettings.addAll(settings.hostArgs());
            HostProcess host = new HostProcess(settings.hostJar(), settings.log(), port, hostSettings);
            try {
                return run(telegram, host, port, random, began);
            } finally {
                host.stop();
            }
        }
    }

    private Result run(BotApiEmulator telegram, HostProcess host, int port, Random random, long began)
            throws IOException, InterruptedException {
        List<Duration> restarts = new ArrayList<>();
        restarts.add(host.start(START_TIMEOUT));
        ApiClient api = ApiClient.admin(port);
        Response space = expect(api.post("/api/spaces", Map.of("name", "Crash")), 201);
        String spacePath = "/api/spaces/" + space.body().get("id").asString();
        List<Channel> channels = new ArrayList<>();
        for (String mode : List.of("polling", "webhook")) {
            for (int c = 0; c < settings.channelsPerMode(); c++) {
                String name = mode + c;
                EmulatedBot bot = telegram.createBot("Crash " + name, "crash_" + name + "_bot");
                Response created = expect(api.post(spacePath + "/channels", Map.of("provider", "telegram",
                        "settings", Map.of("name", "Crash " + name, "token", bot.token(), "delivery", mode,
                                "greeting", GREETING))), 201);
                List<EmulatedUser> members = IntStream.range(0, settings.members())
                        .mapToObj(m -> telegram.createUser("Member " + name + "-" + m)).toList();
                channels.add(new Channel(bot, mode, members, spacePath + "/channels/"
                        + created.body().get("id").asString()));
            }
        }
        int messages = settings.messages();
        int kills = settings.kills();

        // The audience writes in portions: one before the first kill, one right after each kill (while the host
        // is down, so that it restarts into a backlog), each member's messages numbered m1, m2, m3...
        AtomicInteger cycle = new AtomicInteger();
        Map<EmulatedUser, Integer> sent = new ConcurrentHashMap<>();
        int total = channels.size() * settings.members() * messages;
        Random audienceRandom = new Random(settings.seed() + 1);
        Thread audience = Thread.ofVirtual().name("audience").start(() -> {
            List<Map.Entry<Channel, EmulatedUser>> writers = new ArrayList<>();
            channels.forEach(channel -> channel.members().forEach(member -> writers.add(Map.entry(channel, member))));
            int done = 0;
            while (done < total) {
                if (done >= (long) total * (cycle.get() + 1) / (kills + 1)) {
                    sleep(20);
                    continue;
                }
                Map.Entry<Channel, EmulatedUser> writer = writers.get(audienceRandom.nextInt(writers.size()));
                int n = sent.merge(writer.getValue(), 1, Integer::sum);
                writer.getValue().send(writer.getKey().bot(), "m" + n);
                if (n == messages) {
                    writers.remove(writer);
                }
                done++;
                sleep(audienceRandom.nextInt(2, 12));
            }
        });

        // Agents reply while the host is up; a reply whose answer was lost to a kill may or may not be stored.
        AtomicBoolean up = new AtomicBoolean(true);
        AtomicBoolean replying = new AtomicBoolean(true);
        List<Reply> replies = new CopyOnWriteArrayList<>();
        Random agentRandom = new Random(settings.seed() + 2);
        Thread agents = Thread.ofVirtual().name("agents").start(() -> {
            int n = 0;
            while (replying.get()) {
                sleep(agentRandom.nextInt(30, 120));
                Channel channel = channels.get(agentRandom.nextInt(channels.size()));
                EmulatedUser member = channel.members().get(agentRandom.nextInt(settings.members()));
                if (!up.get() || !sent.containsKey(member)) {
                    continue;
                }
                try {
                    String conversation = conversationId(api, channel, member);
                    if (conversation == null) {
                        continue;
                    }
                    String text = "reply " + ++n;
                    boolean accepted;
                    try {
                        Response reply = api.post(channel.api() + "/conversations/" + conversation + "/messages",
                                Map.of("text", text));
                        accepted = reply.status() == 202;
                        if (!accepted && reply.status() < 500) {
                            throw new IllegalStateException("reply refused: " + reply.status() + " " + reply.text());
                        }
                    } catch (IllegalStateException connectionLost) {
                        accepted = false;
                    }
                    replies.add(new Reply(channel, member, text, accepted));
                } catch (IllegalStateException hostDown) {
                    // the conversation lookup met a kill: try another
                }
            }
        });

        AtomicBoolean injecting = new AtomicBoolean(settings.botApiFaults());
        Map<String, Integer> faults = new ConcurrentHashMap<>();
        Thread faulty = injectFaults(telegram.faults(), injecting, faults);

        List<Duration> killedAfter = new ArrayList<>();
        for (int k = 0; k < kills; k++) {
            long after = random.nextLong(300, Math.max(301, settings.maxKillDelay().toMillis()));
            sleep(after);
            up.set(false);
            host.kill();
            killedAfter.add(Duration.ofMillis(after));
            System.out.println("crash: kill " + (k + 1) + " of " + kills + ", " + after + " ms after ready");
            cycle.incrementAndGet();
            restarts.add(host.start(START_TIMEOUT));
            up.set(true);
        }
        audience.join();
        sleep(3_000); // agents reply to the last messages too
        // after early kills the stored conversations may come late (Telegram resends what was not confirmed): the
        // agents get their chance to reply at least once, or the run would prove nothing about replies
        long repliesDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (replies.stream().noneMatch(Reply::accepted) && System.nanoTime() < repliesDeadline) {
            sleep(200);
        }
        replying.set(false);
        agents.join();
        // what is still to be sent goes out on a Bot API that works again, so that the run settles
        injecting.set(false);
        faulty.join();

        Map<EmulatedUser, List<JsonNode>> transcripts = settle(api, channels);
        HostProcess.Stop stop = host.stopAndRead();
        List<String> problems = new ArrayList<>();
        if (stop.exitCode() != SIGTERM_EXIT) {
            problems.add("a normal stop (SIGTERM) ended the host with exit code " + stop.exitCode() + ", not "
                    + SIGTERM_EXIT + " as Spring Boot's");
        }
        if (!stop.errors().isEmpty()) {
            problems.add("a normal stop (SIGTERM) logged errors:\n" + String.join("\n", stop.errors()));
        }
        return count(telegram, channels, replies, transcripts, total, killedAfter, restarts, faults, began, problems);
    }

    /**
     * Until {@code injecting} is cleared, tells the Bot API to misbehave once in a while, at random; counts what it
     * planned in {@code planned}. Clears every fault at the end.
     */
    private Thread injectFaults(Faults faults, AtomicBoolean injecting, Map<String, Integer> planned) {
        Random random = new Random(settings.seed() + 3);
        return Thread.ofVirtual().name("faults").start(() -> {
            while (injecting.get()) {
                sleep(random.nextInt(100, 400));
                String fault = switch (random.nextInt(7)) {
                    case 0 -> {
                        faults.failNext("getUpdates", 1, 502);
                        yield "getUpdates 502";
                    }
                    case 1 -> {
                        faults.failNext("sendMessage", 1, 429);
                        yield "sendMessage 429";
                    }
                    case 2 -> {
                        faults.dropNextConnections("getUpdates", 1);
                        yield "getUpdates dropped before read";
                    }
                    case 3 -> {
                        faults.dropNextConnections("sendMessage", 1);
                        yield "sendMessage dropped before read";
                    }
                    case 4 -> {
                        faults.loseNextAnswers("getUpdates", 1);
                        yield "getUpdates answer lost";
                    }
                    case 5 -> {
                        faults.loseNextAnswers("sendMessage", 1);
                        yield "sendMessage answer lost";
                    }
                    default -> {
                        // every send in the window is answered late, across a kill too when one comes
                        faults.latency("sendMessage", Duration.ofMillis(random.nextInt(500, 3_000)));
                        sleep(random.nextInt(200, 1_500));
                        faults.latency("sendMessage", Duration.ZERO);
                        yield "sendMessage slow";
                    }
                };
                planned.merge(fault, 1, Integer::sum);
            }
            faults.clear();
        });
    }

    private Result count(BotApiEmulator telegram, List<Channel> channels, List<Reply> replies,
                         Map<EmulatedUser, List<JsonNode>> transcripts, int total, List<Duration> killedAfter,
                         List<Duration> restarts, Map<String, Integer> faults, long began, List<String> problems) {
        int greetedUncertain = 0;
        long uncertainGreetingsDelivered = 0;
        long stored = 0;
        List<String> expected = IntStream.rangeClosed(1, settings.messages()).mapToObj(i -> "m" + i).toList();
        for (Channel channel : channels) {
            for (EmulatedUser member : channel.members()) {
                List<JsonNode> transcript = transcripts.getOrDefault(member, List.of());
                List<SentMessage> delivered = telegram.sentTo(member, channel.bot());
                String who = channel.mode() + " member " + member.firstName();
                List<String> received = transcript.stream().filter(m -> m.get("direction").asString().equals("IN"))
                        .map(m -> m.get("text").asString()).toList();
                stored += received.size();
                if (!received.equals(expected)) {
                    problems.add(who + ": stored " + received + ", sent " + expected);
                }
                List<JsonNode> greetings = transcript.stream()
                        .filter(m -> m.get("kind").asString().equals("GREETING")).toList();
                long greetingsDelivered = delivered.stream().filter(m -> GREETING.equals(m.text())).count();
                if (greetings.size() != 1) {
                    problems.add(who + ": " + greetings.size() + " greetings stored, " + greetingsDelivered
                            + " delivered");
                    continue;
                }
                String status = greetings.getFirst().get("status").asString();
                if (status.equals("UNCERTAIN")) {
                    greetedUncertain++;
                    uncertainGreetingsDelivered += greetingsDelivered;
                }
                if (!deliveredAsStated(status, greetingsDelivered)) {
                    problems.add(who + ": greeting " + status + ", delivered " + greetingsDelivered + " times");
                }
            }
        }
        int repliesSent = 0;
        int repliesUncertain = 0;
        for (Reply reply : replies) {
            List<JsonNode> copies = transcripts.getOrDefault(reply.member(), List.of()).stream()
                    .filter(m -> reply.text().equals(m.get("text").asString())).toList();
            long delivered = telegram.sentTo(reply.member(), reply.channel().bot()).stream()
                    .filter(m -> reply.text().equals(m.text())).count();
            String what = reply.channel().mode() + " '" + reply.text() + "' to " + reply.member().firstName()
                    + (reply.accepted() ? " (accepted)" : " (answer lost)");
            if (copies.size() > 1 || copies.isEmpty() && (reply.accepted() || delivered > 0)) {
                problems.add(what + ": stored " + copies.size() + " times, delivered " + delivered);
            } else if (copies.size() == 1) {
                String status = copies.getFirst().get("status").asString();
                repliesSent += status.equals("SENT") ? 1 : 0;
                repliesUncertain += status.equals("UNCERTAIN") ? 1 : 0;
                if (!deliveredAsStated(status, delivered)) {
                    problems.add(what + ": " + status + ", delivered " + delivered + " times");
                }
            }
        }
        return new Result(settings.seed(), channels.size() * settings.members(), total, stored, greetedUncertain,
                uncertainGreetingsDelivered, replies.size(), replies.stream().filter(Reply::accepted).count(),
                repliesSent, repliesUncertain, killedAfter, restarts, new TreeMap<>(faults), Duration.ofNanos(System.nanoTime() - began),
                problems);
    }

    /** SENT: delivered exactly once; UNCERTAIN: at most once. */
    static boolean deliveredAsStated(String status, long delivered) {
        return status.equals("SENT") ? delivered == 1 : status.equals("UNCERTAIN") && delivered <= 1;
    }

    /**
     * Waits until every member's messages are stored and nothing waits to be sent; returns the transcripts (what
     * there is when that never happens: the counts then say what is missing).
     */
    private Map<EmulatedUser, List<JsonNode>> settle(ApiClient api, List<Channel> channels) {
        long deadline = System.nanoTime() + settings.settleTimeout().toNanos();
        while (true) {
            Map<EmulatedUser, List<JsonNode>> transcripts = new HashMap<>();
            boolean settled = true;
            for (Channel channel : channels) {
                for (EmulatedUser member : channel.members()) {
                    String conversation = conversationId(api, channel, member);
                    List<JsonNode> transcript = new ArrayList<>();
                    if (conversation != null) {
                        api.get(channel.api() + "/conversations/" + conversation + "/messages?limit=1000").body()
                                .forEach(transcript::add);
                    }
                    transcripts.put(member, transcript);
                    long in = transcript.stream().filter(m -> m.get("direction").asString().equals("IN")).count();
                    boolean waiting = transcript.stream().anyMatch(m -> m.get("status").asString().equals("QUEUED"));
                    settled &= in >= settings.messages() && !waiting;
                }
            }
            if (settled || System.nanoTime() > deadline) {
                return transcripts;
            }
            sleep(500);
        }
    }

    /** The host's id of a member's private conversation with the channel, or null while there is none. */
    private String conversationId(ApiClient api, Channel channel, EmulatedUser member) {
        String key = channel.api() + "/" + member.id();
        String known = conversations.get(key);
        if (known != null) {
            return known;
        }
        Response list = api.get(channel.api() + "/conversations?limit=500");
        if (list.status() != 200) {
            return null;
        }
        for (JsonNode conversation : list.body()) {
            conversations.put(channel.api() + "/" + conversation.get("externalId").asString(),
                    conversation.get("id").asString());
        }
        return conversations.get(key);
    }

    /** The response, when its status is {@code status}. */
    static Response expect(Response response, int status) {
        if (response.status() != status) {
            throw new IllegalStateException("expected " + status + ", got " + response.status() + ": " + response.text());
        }
        return response;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
