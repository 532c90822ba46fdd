package com.smartchat.host.crash;

import static com.smartchat.host.crash.CrashScenario.deliveredAsStated;
import static com.smartchat.host.crash.CrashScenario.expect;
import static com.smartchat.host.crash.CrashScenario.freePort;
import static com.smartchat.host.crash.CrashScenario.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.smartchat.host.ApiClient;
import com.smartchat.host.ApiClient.Response;
import com.smartchat.host.web.WebSession;
import com.smartchat.telegram.emulator.BotApiEmulator;
import com.smartchat.telegram.emulator.EmulatedBot;
import com.smartchat.telegram.emulator.EmulatedUser;
import com.smartchat.telegram.emulator.EmulatorOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Three hosts from the built jar share one PostgreSQL database ({@code smartchat.cluster.enabled}) and 60 Telegram
 * channels, while an audience writes and agents reply through whichever host: one host is killed with SIGKILL and
 * its channels must run on the others within 15 s; it starts again, and the two others are restarted in turn,
 * normally (a rolling restart). At the end every member's messages are stored exactly once and in order, every member is greeted once,
 * every reply is delivered once (or reported uncertain and delivered at most once), no channel ever needed an admin
 * (as two pollers of one bot would make it), and an inbox page open on one host heard of messages that others
 * received. Webhooks go through a round-robin load balancer and are answered by every host; a page session made on
 * one host works on another; and one host's database link is cut without an error (a black hole): it stops its
 * channels, the others take them, and it takes a share again when the link is back. Runs in the build's PostgreSQL
 * test run only; the seed is printed ({@code -Dsmartchat.cluster.seed=<seed>} replays its random choices).
 */
class ClusterIT {

    private static final int CHANNELS = 60;
    private static final int MEMBERS = 3;
    private static final int MESSAGES = 6;
    private static final Duration FAIL_OVER = Duration.ofSeconds(15);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final String GREETING = "Welcome! Several hosts answer here.";
    private static final int SIGTERM_EXIT = 143;

    @TempDir
    Path dir;

    /** A host of the cluster. */
    private record Node(String id, int port, HostProcess process) {
    }

    /** A channel and its audience. */
    private record Channel(EmulatedBot bot, List<EmulatedUser> members, String api, String id) {
    }

    private record Reply(Channel channel, EmulatedUser member, String text, boolean accepted) {
    }

    @Test
    void channelsMoveToLiveHostsAndNothingIsLostOrRepeated() throws Exception {
        assumeTrue(PostgresSchema.available(), "cluster mode needs PostgreSQL (the build's second test run)");
        long seed = Long.getLong("smartchat.cluster.seed", new SecureRandom().nextLong());
        System.out.println("ClusterIT: seed " + seed + " (replay with -Dsmartchat.cluster.seed=" + seed + ")");
        Random random = new Random(seed);
        List<Integer> ports = List.of(freePort(), freePort(), freePort());
        try (PostgresSchema postgres = PostgresSchema.create("cluster");
             TcpProxy link = new TcpProxy(PostgresSchema.server().getHost(), PostgresSchema.server().getPort());
             LoadBalancer balancer = new LoadBalancer(ports);
             // Telegram keeps retrying a webhook update that was not answered 200
             BotApiEmulator telegram = BotApiEmulator.start(EmulatorOptions.defaults()
                     .withWebhookRetries(40, Duration.ofMillis(50)))) {
            byte[] key = new byte[32];
            random.nextBytes(key);
            List<Node> hosts = new ArrayList<>();
            for (String id : List.of("host-a", "host-b", "host-c")) {
                int port = ports.get(hosts.size());
                List<String> settings = new ArrayList<>(List.of(
                        "--smartchat.cluster.enabled=true",
                        "--smartchat.cluster.host-id=" + id,
                        "--smartchat.cluster.lease-time=8s",
                        "--smartchat.cluster.heartbeat=1s",
                        "--smartchat.master-key=" + Base64.getEncoder().encodeToString(key),
                        "--smartchat.data-dir=" + dir.resolve(id),
                        "--smartchat.plugins.dir=" + Path.of("target/plugins").toAbsolutePath(),
                        "--smartchat.plugins.telegram.api-url=" + telegram.baseUrl(),
                        // Telegram calls the webhooks through the load balancer, which picks any host
                        "--smartchat.public-url=http://localhost:" + balancer.port(),
                        "--smartchat.plugins.telegram.poll-timeout=2",
                        "--smartchat.outbound.lease=15s",
                        "--smartchat.outbound.send-timeout=10s"));
                // the last host reaches the database through a link the test can cut
                settings.addAll(id.equals("host-c") ? postgres.hostArgsThrough(link.port()) : postgres.hostArgs());
                Path log = Path.of("target/crash-logs/cluster-" + seed + "-" + id + ".log").toAbsolutePath();
                Files.createDirectories(log.getParent());
                hosts.add(new Node(id, port, new HostProcess(Path.of("target/smartchat-host.jar").toAbsolutePath(),
                        log, port, settings)));
            }
            try {
                run(telegram, hosts, link, balancer, random, seed);
            } finally {
                for (Node host : hosts) {
                    host.process().stop();
                }
            }
        }
    }

    private void run(BotApiEmulator telegram, List<Node> hosts, TcpProxy link, LoadBalancer balancer, Random random,
                     long seed) throws Exception {
        // the first host creates the schema and the admin; the others join it together
        hosts.getFirst().process().start(START_TIMEOUT);
        startTogether(hosts.subList(1, hosts.size()));
        ApiClient api = ApiClient.admin(hosts.getFirst().port());
        String space = expect(api.post("/api/spaces", Map.of("name", "Cluster")), 201).body().get("id").asString();
        List<Channel> channels = new ArrayList<>();
        for (int c = 0; c < CHANNELS; c++) {
            EmulatedBot bot = telegram.createBot("Cluster " + c, "cluster_" + c + "_bot");
            // connected through every host in turn: any host takes admin actions
            // every fourth by webhook: its requests reach any host
            Response created = expect(ApiClient.admin(hosts.get(c % hosts.size()).port()).post(
                    "/api/spaces/" + space + "/channels", Map.of("provider", "telegram", "settings",
                            Map.of("name", "Cluster " + c, "token", bot.token(), "greeting", GREETING,
                                    "delivery", c % 4 == 3 ? "webhook" : "polling"))), 201);
            String id = created.body().get("id").asString();
            int channel = c;
            channels.add(new Channel(bot, IntStream.range(0, MEMBERS)
                    .mapToObj(m -> telegram.createUser("Member " + channel + "-" + m)).toList(),
                    "/api/spaces/" + space + "/channels/" + id, id));
        }
        Map<String, String> owners = awaitSpread(api, channels, hosts);
        System.out.println("ClusterIT: channels per host " + countPerHost(owners));
        Map.Entry<String, String> shown = owners.entrySet().iterator().next();
        assertThat(WebSession.signIn(hosts.getFirst().port(), ApiClient.ADMIN, ApiClient.ADMIN_PASSWORD)
                .get("/spaces/" + space + "/channels/" + shown.getKey()).body())
                .as("the channel's page says which host runs it").contains("runs on host <span>" + shown.getValue());
        assertThat(api.get("/actuator/info").body().get("cluster").get("hostId").asString())
                .isEqualTo(hosts.getFirst().id());
        WebSession signedInOnA = WebSession.signIn(hosts.getFirst().port(), ApiClient.ADMIN, ApiClient.ADMIN_PASSWORD);
        HttpResponse<String> onB = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://localhost:" + hosts.get(1).port() + "/spaces/" + space + "/inbox"))
                .header("Cookie", signedInOnA.cookieHeader()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(onB.statusCode()).as("a page session of host-a, on host-b (no sticky sessions)").isEqualTo(200);
        assertThat(onB.body()).contains("Cluster");

        Node pageHost = hosts.getFirst();
        List<String> heardOnPage = new CopyOnWriteArrayList<>();
        Thread page = listenToInbox(pageHost, space, heardOnPage);

        AtomicBoolean writing = new AtomicBoolean(true);
        Random audienceRandom = new Random(seed + 1);
        Map<EmulatedUser, Integer> sent = new ConcurrentHashMap<>();
        Thread audience = Thread.ofVirtual().name("audience").start(() -> {
            List<Map.Entry<Channel, EmulatedUser>> writers = new ArrayList<>();
            channels.forEach(channel -> channel.members().forEach(member -> writers.add(Map.entry(channel, member))));
            while (!writers.isEmpty()) {
                Map.Entry<Channel, EmulatedUser> writer = writers.get(audienceRandom.nextInt(writers.size()));
                int n = sent.merge(writer.getValue(), 1, Integer::sum);
                writer.getValue().send(writer.getKey().bot(), "m" + n);
                if (n == MESSAGES) {
                    writers.remove(writer);
                }
                sleep(audienceRandom.nextInt(40, 110));
            }
            writing.set(false);
        });
        Set<Node> down = ConcurrentHashMap.newKeySet();
        List<Reply> replies = new CopyOnWriteArrayList<>();
        Thread agents = replyThroughAnyHost(hosts, down, channels, sent, writing, replies, new Random(seed + 2));

        sleep(3_000 + random.nextInt(2_000));
        assertThat(channelsOf(api, channels, heardOnPage)).as("channels of the inbox events on " + pageHost.id()
                + "'s page: some received by another host").anySatisfy(channelId -> assertThat(owners.get(channelId)).isNotEqualTo(pageHost.id()));

        Map<String, Long> answered = balancer.answers();
        System.out.println("ClusterIT: webhook answers by host port and status: " + answered);
        assertThat(answered).as("webhook requests answered by each host, whichever runs the channel")
                .doesNotContainKeys(hosts.stream().map(Node::port).map(port -> port + " 503").toArray(String[]::new))
                .containsKeys(hosts.stream().map(Node::port).map(port -> port + " 200").toArray(String[]::new));

        Node victim = hosts.get(1);
        List<String> victims = owners.entrySet().stream().filter(owner -> owner.getValue().equals(victim.id()))
                .map(Map.Entry::getKey).toList();
        down.add(victim);
        victim.process().kill();
        long killed = System.nanoTime();
        System.out.println("ClusterIT: killed " + victim.id() + ", which ran " + victims.size() + " channels");
        List<Duration> movedAfter = awaitMoved(api, channels, victims, victim.id(), killed);
        System.out.println("ClusterIT: its channels ran elsewhere after " + movedAfter.stream().map(Duration::toMillis)
                .sorted().toList() + " ms");
        assertThat(movedAfter).as("time until each channel of the killed host ran on another")
                .hasSize(victims.size()).allSatisfy(moved -> assertThat(moved).isLessThan(FAIL_OVER));
        victim.process().start(START_TIMEOUT);
        down.remove(victim);

        List<String> problems = new ArrayList<>();
        // a rolling restart of the two others: the killed one has just started (a third JVM start costs the build
        // 20 s and tests nothing the first two do not)
        for (Node host : List.of(hosts.get(0), hosts.get(2))) {
            down.add(host);
            HostProcess.Stop stop = host.process().stopAndRead();
            if (stop.exitCode() != SIGTERM_EXIT || !stop.errors().isEmpty()) {
                problems.add(host.id() + " stopped with exit code " + stop.exitCode() + " and errors " + stop.errors());
            }
            host.process().start(START_TIMEOUT);
            down.remove(host);
            System.out.println("ClusterIT: restarted " + host.id());
        }

        TokenReplaced replaced = replaceTokenThroughAnotherHost(telegram, api, hosts, channels, balancer);
        problems.addAll(replaced.problems());

        // host-c's database stops answering, without an error: it must stop its channels before their leases end
        Node cut = hosts.get(2);
        Map<String, String> before = owners(api, channels);
        List<String> stranded = before.entrySet().stream().filter(owner -> owner.getValue().equals(cut.id()))
                .map(Map.Entry::getKey).toList();
        link.blackhole();
        long blackholed = System.nanoTime();
        System.out.println("ClusterIT: " + cut.id() + "'s database stopped answering; it ran " + stranded.size()
                + " channels");
        List<Duration> movedFromCut = awaitMoved(api, channels, stranded, cut.id(), blackholed);
        System.out.println("ClusterIT: they ran elsewhere after " + movedFromCut.stream().map(Duration::toMillis)
                .sorted().toList() + " ms");
        if (movedFromCut.size() != stranded.size()) {
            problems.add("only " + movedFromCut.size() + " of " + stranded.size() + " channels of " + cut.id()
                    + " ran elsewhere after its database stopped answering");
        }
        String cutLog = Files.readString(cut.process().log());
        if (!cutLog.contains("Host " + cut.id() + " could not renew its leases for")) {
            problems.add(cut.id() + " did not say that it stopped its channels when it could not renew its leases");
        }
        link.restore();
        awaitHolding(api, cut.id());
        System.out.println("ClusterIT: " + cut.id() + " reaches its database again and runs channels again");

        audience.join();
        agents.join();
        page.interrupt();

        Map<EmulatedUser, List<JsonNode>> transcripts = settle(api, channels);
        problems.addAll(count(telegram, channels, replies, transcripts));
        for (Channel channel : channels) {
            for (JsonNode entry : api.get(channel.api()).body().get("history")) {
                if (channel.id().equals(replaced.channelId())
                        && OffsetDateTime.parse(entry.get("at").asString()).toInstant().isBefore(replaced.runningAgain())) {
                    continue; // its old token was refused until the admin replaced it: that needed an admin
                }
                String state = entry.path("state").asString("");
                String reason = entry.path("reason").asString("");
                if (state.equals("NEEDS_ATTENTION") || reason.toLowerCase().contains("conflict")) {
                    problems.add("channel " + channel.id() + " went " + state + ": " + reason);
                }
            }
        }
        System.out.println("ClusterIT: " + sent.values().stream().mapToInt(Integer::intValue).sum() + " messages, "
                + replies.size() + " replies posted (" + replies.stream().filter(Reply::accepted).count()
                + " accepted); " + problems.size() + " problems");
        assertThat(problems).as("seed " + seed + "; the hosts' logs are in target/crash-logs").isEmpty();
    }

    /** A webhook channel's token, replaced; with when it ran again, and what went wrong. */
    private record TokenReplaced(String channelId, Instant runningAgain, List<String> problems) {
    }

    /**
     * BotFather's /token for a webhook channel, replaced through a host that does not run it: afterwards every host
     * checks Telegram's requests against the new token, and none refuses one (401) from the settings it had.
     */
    private static TokenReplaced replaceTokenThroughAnotherHost(BotApiEmulator telegram, ApiClient api,
                                                                List<Node> hosts, List<Channel> channels,
                                                                LoadBalancer balancer) {
        Channel channel = channels.get(3); // every fourth is by webhook
        String owner = awaitOwner(api, channel);
        Node elsewhere = hosts.stream().filter(host -> !host.id().equals(owner)).findFirst().orElseThrow();
        // every host takes requests of the channel first, and so keeps a receiver opened with the old token
        EmulatedUser early = telegram.createUser("Before the new token");
        List<String> earlyTexts = IntStream.rangeClosed(1, 2 * hosts.size()).mapToObj(i -> "e" + i).toList();
        earlyTexts.forEach(text -> early.send(channel.bot(), text)); // round robin: every host takes some
        awaitStored(api, channel, early, earlyTexts.size(), System.nanoTime() + FAIL_OVER.toNanos());
        String token = telegram.rotateToken(channel.bot());
        Instant patched = Instant.now();
        expect(ApiClient.admin(elsewhere.port()).patch(channel.api(), Map.of("settings", Map.of("token", token))), 200);
        long deadline = System.nanoTime() + FAIL_OVER.toNanos();
        while (api.get(channel.api()).body().get("history").valueStream().noneMatch(entry ->
                entry.path("state").asString("").equals("RUNNING")
                        && OffsetDateTime.parse(entry.get("at").asString()).toInstant().isAfter(patched))) {
            assertThat(System.nanoTime()).as("the channel runs again with its new token").isLessThan(deadline);
            sleep(100);
        }
        Instant runningAgain = Instant.now();
        sleep(2_000); // the change reaches every host within a second
        long refusedBefore = refused(balancer);
        EmulatedUser member = telegram.createUser("After the new token");
        List<String> texts = IntStream.rangeClosed(1, 2 * hosts.size()).mapToObj(i -> "t" + i).toList();
        texts.forEach(text -> member.send(channel.bot(), text)); // round robin: every host takes some
        List<String> stored = awaitStored(api, channel, member, texts.size(), deadline + FAIL_OVER.toNanos());
        List<String> problems = new ArrayList<>();
        if (!stored.equals(texts)) {
            problems.add("after its token was replaced through " + elsewhere.id() + ", channel " + channel.id()
                    + " stored " + stored + " of " + texts);
        }
        long refused = refused(balancer) - refusedBefore;
        if (refused > 0) {
            problems.add(refused + " webhook requests refused (401) after the token was replaced through "
                    + elsewhere.id() + ": a host kept the old token");
        }
        System.out.println("ClusterIT: token replaced through " + elsewhere.id() + " (the channel runs on " + owner
                + "); " + stored.size() + " messages stored after it, " + refused + " refused");
        return new TokenReplaced(channel.id(), runningAgain, problems);
    }

    /** The texts the channel stored from the member, once there are this many or the deadline passed. */
    private static List<String> awaitStored(ApiClient api, Channel channel, EmulatedUser member, int count,
                                            long deadline) {
        List<String> stored = List.of();
        while (System.nanoTime() < deadline && stored.size() < count) {
            sleep(200);
            stored = api.get(channel.api() + "/conversations?limit=500").body().valueStream()
                    .filter(conversation -> conversation.get("externalId").asString().equals(member.id() + ""))
                    .flatMap(conversation -> api.get(channel.api() + "/conversations/"
                            + conversation.get("id").asString() + "/messages").body().valueStream())
                    .filter(message -> message.get("direction").asString().equals("IN"))
                    .map(message -> message.get("text").asString()).toList();
        }
        return stored;
    }

    /** The host that runs the channel, once one does (after a rolling restart it may be between two). */
    private static String awaitOwner(ApiClient api, Channel channel) {
        long deadline = System.nanoTime() + FAIL_OVER.toNanos();
        while (true) {
            JsonNode view = api.get(channel.api()).body();
            String owner = view.path("owner").asString("");
            if (view.get("state").asString().equals("RUNNING") && !owner.isEmpty()) {
                return owner;
            }
            assertThat(System.nanoTime()).as("channel " + channel.id() + " runs on a host").isLessThan(deadline);
            sleep(100);
        }
    }

    private static long refused(LoadBalancer balancer) {
        return balancer.answers().entrySet().stream().filter(answer -> answer.getKey().endsWith(" 401"))
                .mapToLong(Map.Entry::getValue).sum();
    }

    private static void startTogether(List<Node> hosts) throws InterruptedException {
        List<Thread> starting = new ArrayList<>();
        List<Exception> failures = new CopyOnWriteArrayList<>();
        for (Node host : hosts) {
            starting.add(Thread.ofVirtual().start(() -> {
                try {
                    host.process().start(START_TIMEOUT);
                } catch (Exception e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread thread : starting) {
            thread.join();
        }
        assertThat(failures).as("hosts that did not start").isEmpty();
    }

    /** Waits until every channel runs and every host runs some; returns each channel's owner. */
    private static Map<String, String> awaitSpread(ApiClient api, List<Channel> channels, List<Node> hosts) {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            Map<String, String> owners = owners(api, channels);
            Map<String, Long> perHost = countPerHost(owners);
            if (owners.size() == channels.size() && hosts.stream().allMatch(host -> perHost.getOrDefault(host.id(), 0L)
                    >= CHANNELS / hosts.size() / 2)) {
                return owners;
            }
            assertThat(System.nanoTime()).as("channels running, per host: " + perHost).isLessThan(deadline);
            sleep(500);
        }
    }

    /** The owner of each running channel, as the channel API tells. */
    private static Map<String, String> owners(ApiClient api, List<Channel> channels) {
        Map<String, String> owners = new HashMap<>();
        for (Channel channel : channels) {
            JsonNode view = api.get(channel.api()).body();
            if (view.get("state").asString().equals("RUNNING") && !view.path("owner").isNull()) {
                owners.put(channel.id(), view.get("owner").asString());
            }
        }
        return owners;
    }

    private static Map<String, Long> countPerHost(Map<String, String> owners) {
        Map<String, Long> perHost = new TreeMap<>();
        owners.values().forEach(owner -> perHost.merge(owner, 1L, Long::sum));
        return perHost;
    }

    /** Waits until the host runs channels (once it has a share). */
    private static void awaitHolding(ApiClient api, String hostId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            JsonNode hosts = api.get("/api/cluster").body().get("hosts");
            for (JsonNode host : hosts) {
                if (host.get("id").asString().equals(hostId) && host.get("channels").asLong() > 0) {
                    return;
                }
            }
            assertThat(System.nanoTime()).as("hosts: " + hosts).isLessThan(deadline);
            sleep(500);
        }
    }

    /** How long after the kill each of the victim's channels ran on another host. */
    private static List<Duration> awaitMoved(ApiClient api, List<Channel> channels, List<String> victims, String victim,
                                             long killed) {
        Map<String, Duration> moved = new HashMap<>();
        long deadline = killed + FAIL_OVER.multipliedBy(4).toNanos();
        while (moved.size() < victims.size() && System.nanoTime() < deadline) {
            for (Channel channel : channels) {
                if (victims.contains(channel.id()) && !moved.containsKey(channel.id())) {
                    JsonNode view = api.get(channel.api()).body();
                    String owner = view.path("owner").asString("");
                    if (view.get("state").asString().equals("RUNNING") && !owner.isEmpty() && !owner.equals(victim)) {
                        moved.put(channel.id(), Duration.ofNanos(System.nanoTime() - killed));
                    }
                }
            }
            sleep(100);
        }
        return List.copyOf(moved.values());
    }

    /** Follows the Space's inbox on one host's page, collecting the id of each changed conversation. */
    private static Thread listenToInbox(Node host, String space, List<String> heard) {
        WebSession session = WebSession.signIn(host.port(), ApiClient.ADMIN, ApiClient.ADMIN_PASSWORD);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + host.port() + "/spaces/" + space
                        + "/inbox/events")).header("Cookie", session.cookieHeader())
                .header("Accept", "text/event-stream").build();
        return Thread.ofVirtual().name("inbox-page").start(() -> {
            try {
                HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofLines()).body()
                        .filter(line -> line.startsWith("data:") && line.length() > 5)
                        .forEach(line -> heard.add(line.substring(5).strip()));
            } catch (IOException | InterruptedException | RuntimeException e) {
                // the page closes when its host restarts or the test ends
            }
        });
    }

    /** The channel of each conversation heard of, by the channels' conversation lists. */
    private static List<String> channelsOf(ApiClient api, List<Channel> channels, List<String> conversations) {
        Map<String, String> channelOf = new HashMap<>();
        for (Channel channel : channels) {
            api.get(channel.api() + "/conversations?limit=500").body()
                    .forEach(conversation -> channelOf.put(conversation.get("id").asString(), channel.id()));
        }
        return conversations.stream().map(channelOf::get).filter(Objects::nonNull).toList();
    }

    private static Thread replyThroughAnyHost(List<Node> hosts, Set<Node> down, List<Channel> channels,
                                             Map<EmulatedUser, Integer> sent, AtomicBoolean writing,
                                             List<Reply> replies, Random random) {
        Map<String, String> conversations = new ConcurrentHashMap<>();
        return Thread.ofVirtual().name("agents").start(() -> {
            int n = 0;
            while (writing.get()) {
                sleep(random.nextInt(50, 150));
                Node host = hosts.get(random.nextInt(hosts.size()));
                Channel channel = channels.get(random.nextInt(channels.size()));
                EmulatedUser member = channel.members().get(random.nextInt(MEMBERS));
                if (down.contains(host) || !sent.containsKey(member)) {
                    continue;
                }
                try {
                    ApiClient api = ApiClient.admin(host.port());
                    String conversation = conversationId(api, channel, member, conversations);
                    if (conversation == null) {
                        continue;
                    }
                    String text = "reply " + ++n;
                    boolean accepted;
                    try {
                        Response reply = api.post(channel.api() + "/conversations/" + conversation + "/messages",
                                Map.of("text", text));
                        accepted = reply.status() == 202;
                    } catch (IllegalStateException connectionLost) {
                        accepted = false;
                    }
                    replies.add(new Reply(channel, member, text, accepted));
                } catch (IllegalStateException hostDown) {
                    // it stopped meanwhile: another host takes the next one
                }
            }
        });
    }

    /** The host's id of a member's private conversation with the channel, or null while there is none. */
    private static String conversationId(ApiClient api, Channel channel, EmulatedUser member,
                                         Map<String, String> known) {
        String key = channel.id() + "/" + member.id();
        if (!known.containsKey(key)) {
            Response list = api.get(channel.api() + "/conversations?limit=500");
            if (list.status() == 200) {
                list.body().forEach(conversation -> known.put(channel.id() + "/"
                        + conversation.get("externalId").asString(), conversation.get("id").asString()));
            }
        }
        return known.get(key);
    }

    /** Waits until every message is stored and nothing waits to be sent; returns the transcripts. */
    private static Map<EmulatedUser, List<JsonNode>> settle(ApiClient api, List<Channel> channels) {
        Map<String, String> conversations = new HashMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            Map<EmulatedUser, List<JsonNode>> transcripts = new HashMap<>();
            boolean settled = true;
            for (Channel channel : channels) {
                for (EmulatedUser member : channel.members()) {
                    String conversation = conversationId(api, channel, member, conversations);
                    List<JsonNode> transcript = new ArrayList<>();
                    if (conversation != null) {
                        api.get(channel.api() + "/conversations/" + conversation + "/messages?limit=1000").body()
                                .forEach(transcript::add);
                    }
                    transcripts.put(member, transcript);
                    settled &= transcript.stream().filter(m -> m.get("direction").asString().equals("IN")).count()
                            >= MESSAGES && transcript.stream().noneMatch(m -> m.get("status").asString().equals("QUEUED"));
                }
            }
            if (settled || System.nanoTime() > deadline) {
                return transcripts;
            }
            sleep(500);
        }
    }

    /** What the hosts say, against what Telegram saw. */
    private static List<String> count(BotApiEmulator telegram, List<Channel> channels, List<Reply> replies,
                                      Map<EmulatedUser, List<JsonNode>> transcripts) {
        List<String> problems = new ArrayList<>();
        List<String> expected = IntStream.rangeClosed(1, MESSAGES).mapToObj(i -> "m" + i).toList();
        for (Channel channel : channels) {
            for (EmulatedUser member : channel.members()) {
                List<JsonNode> transcript = transcripts.get(member);
                List<String> received = transcript.stream().filter(m -> m.get("direction").asString().equals("IN"))
                        .map(m -> m.get("text").asString()).toList();
                if (!received.equals(expected)) {
                    problems.add(member.firstName() + ": stored " + received + ", sent " + expected);
                }
                List<JsonNode> greetings = transcript.stream()
                        .filter(m -> m.get("kind").asString().equals("GREETING")).toList();
                long delivered = telegram.sentTo(member, channel.bot()).stream()
                        .filter(m -> GREETING.equals(m.text())).count();
                if (greetings.size() != 1 || !deliveredAsStated(greetings.getFirst().get("status").asString(), delivered)) {
                    problems.add(member.firstName() + ": greetings " + greetings.stream().map(m -> m.get("status")
                            .asString()).toList() + ", delivered " + delivered + " times");
                }
            }
        }
        for (Reply reply : replies) {
            List<JsonNode> copies = transcripts.get(reply.member()).stream()
                    .filter(m -> reply.text().equals(m.get("text").asString())).toList();
            long delivered = telegram.sentTo(reply.member(), reply.channel().bot()).stream()
                    .filter(m -> reply.text().equals(m.text())).count();
            if (copies.size() > 1 || copies.isEmpty() && (reply.accepted() || delivered > 0)
                    || copies.size() == 1 && !deliveredAsStated(copies.getFirst().get("status").asString(), delivered)) {
                problems.add("'" + reply.text() + "' to " + reply.member().firstName() + (reply.accepted()
                        ? " (accepted)" : " (answer lost)") + ": stored " + copies.stream().map(m -> m.get("status")
                        .asString()).toList() + ", delivered " + delivered + " times");
            }
        }
        return problems;
    }
}
