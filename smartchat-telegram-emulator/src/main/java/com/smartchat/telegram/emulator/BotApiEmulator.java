package com.smartchat.telegram.emulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.IntFunction;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A local Telegram Bot API: a real HTTP server on loopback that behaves like {@code api.telegram.org} for bots,
 * with emulated users and groups on the other side. It starts in milliseconds.
 *
 * <pre>{@code
 * try (BotApiEmulator telegram = BotApiEmulator.start()) {
 *     EmulatedBot bot = telegram.createBot("Support Bot", "support_bot");
 *     EmulatedUser alice = telegram.createUser("Alice", "alice", "en");
 *     alice.start(bot, "PAYLOAD");
 *     // point the bot's client at telegram.baseUrl() with bot.token(), then:
 *     List<SentMessage> replies = telegram.awaitSent(alice, bot, 1, Duration.ofSeconds(5));
 * }
 * }</pre>
 *
 * <p>Thread-safe. Telegram's rate limits apply by default ({@link RateLimits#telegram()}).
 */
public final class BotApiEmulator implements AutoCloseable {

    private final Bots bots = new Bots();
    private final FileStore files = new FileStore();
    private final Chats chats;
    private final SentLog sentLog;
    private final RequestStats stats = new RequestStats();
    private final Faults faults = new Faults();
    private final BotApiServer server;
    private volatile RateLimits rateLimits;
    private HttpClient webhookClient;

    private BotApiEmulator(EmulatorOptions options) throws IOException {
        this.rateLimits = options.rateLimits();
        this.chats = new Chats(options.historyLimit(), files);
        this.sentLog = new SentLog(options.historyLimit());
        BotApiMethods methods = new BotApiMethods(chats, sentLog, stats, () -> rateLimits, options,
                this::webhookClient);
        this.server = new BotApiServer(options.port(), bots, methods, faults, stats, files);
    }

    /**
     * Starts an emulator on a free loopback port with the default options.
     *
     * @return the running emulator
     */
    public static BotApiEmulator start() {
        return start(EmulatorOptions.defaults());
    }

    /**
     * Starts an emulator on a given loopback port with the default options.
     *
     * @param port the port, 0 for a free one
     * @return the running emulator
     */
    public static BotApiEmulator start(int port) {
        return start(EmulatorOptions.defaults().withPort(port));
    }

    /**
     * Starts an emulator.
     *
     * @param options port, rate limits, webhook retries, history size
     * @return the running emulator
     * @throws UncheckedIOException when the port cannot be bound
     */
    public static BotApiEmulator start(EmulatorOptions options) {
        try {
            return new BotApiEmulator(Objects.requireNonNull(options, "options"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Bot API emulator on port " + options.port(), e);
        }
    }

    /**
     * Where clients send requests, in place of {@code https://api.telegram.org}.
     *
     * @return {@code http://127.0.0.1:<port>}
     */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /**
     * The port the emulator listens on.
     *
     * @return the port
     */
    public int port() {
        return server.port();
    }

    // ---- Bots ----

    /**
     * Creates a bot with BotFather's defaults (can join groups, privacy mode on, no inline mode).
     *
     * @param firstName the display name
     * @param username 5 to 32 letters, digits or underscores, ending in "bot"
     * @return the bot with its token
     * @throws IllegalArgumentException when the username is invalid or taken
     */
    public EmulatedBot createBot(String firstName, String username) {
        return newBot(firstName, username).create();
    }

    /**
     * Starts describing a bot with non-default settings; finish with {@link BotBuilder#create()}.
     *
     * @param firstName the display name
     * @param username 5 to 32 letters, digits or underscores, ending in "bot"
     * @return the builder
     */
    public BotBuilder newBot(String firstName, String username) {
        return new BotBuilder(bots, firstName, username);
    }

    /**
     * Issues a new token, like BotFather's /token: the old one answers 401 at once (a waiting long poll too);
     * the bot keeps its id, updates and webhook.
     *
     * @param bot the bot
     * @return the new token
     */
    public String rotateToken(EmulatedBot bot) {
        return bots.rotate(bot);
    }

    /**
     * Revokes the bot's token without a replacement: every request with it, including a waiting long poll,
     * answers 401 {@code Unauthorized}.
     *
     * @param bot the bot
     */
    public void revokeToken(EmulatedBot bot) {
        bots.revoke(bot);
    }

    /**
     * Deletes the bot: its token answers 401, its webhook stops, its pending updates are gone.
     *
     * @param bot the bot
     */
    public void deleteBot(EmulatedBot bot) {
        bots.delete(bot);
    }

    /**
     * The number of updates the bot has not confirmed yet (or its webhook not received).
     *
     * @param bot the bot
     * @return the pending update count, as getWebhookInfo reports it
     */
    public int pendingUpdateCount(EmulatedBot bot) {
        return bot.updates.size();
    }

    /**
     * Whether a long poll of the bot is waiting for updates right now, for example to know that a client's
     * poller is connected.
     *
     * @param bot the bot
     * @return true while a getUpdates call with a timeout waits
     */
    public boolean isPolling(EmulatedBot bot) {
        return bot.updates.hasWaitingPoll();
    }

    /**
     * Queues an update exactly as given, for tests of odd input: see {@link OddUpdates}. It reaches the bot whatever
     * its {@code allowed_updates} (as an update Telegram created before the subscription changed does).
     *
     * @param bot the bot
     * @param chatId the chat whose order webhook deliveries keep, or 0
     * @param render the update's JSON given the id Telegram assigned it; it may leave the id out or spell it oddly
     * @return the assigned id, which confirms it: {@code getUpdates} with a higher offset removes it
     */
    public int injectUpdate(EmulatedBot bot, long chatId, IntFunction<String> render) {
        return bot.updates.addRaw(chatId, render);
    }

    // ---- Users and groups ----

    /**
     * Creates a user.
     *
     * @param firstName the first name
     * @param username the username without {@code @}, or null
     * @param languageCode the app's language, such as {@code en}, or null
     * @return the user
     */
    public EmulatedUser createUser(String firstName, String username, String languageCode) {
        return chats.createUser(firstName, username, languageCode);
    }

    /**
     * Creates a user without username or language.
     *
     * @param firstName the first name
     * @return the user
     */
    public EmulatedUser createUser(String firstName) {
        return createUser(firstName, null, null);
    }

    /**
     * Creates a basic group; the first member is its creator. The bot receives {@code my_chat_member} and the
     * {@code group_chat_created} service message.
     *
     * @param title the title
     * @param bot a bot in the group (more with {@link EmulatedGroup#addBot(EmulatedBot)})
     * @param members the users, at least one
     * @return the group
     * @throws IllegalArgumentException when the bot cannot join groups or there is no user
     */
    public EmulatedGroup createGroup(String title, EmulatedBot bot, EmulatedUser... members) {
        return chats.createGroup(title, bot, List.of(members));
    }

    // ---- Keeping the state across restarts ----

    /**
     * The bots (with their tokens: keep the text secret), the users, their private chats with bots and the updates
     * not yet confirmed, as JSON, for {@link #restoreState(String)} in a later emulator: what an offline sandbox
     * needs to go on after a restart. Not kept: groups, webhooks, files, button presses awaiting an answer, the
     * record of what bots sent, faults and rate limits.
     *
     * @return the state, as JSON text
     */
    public String saveState() {
        ObjectNode state = Json.object();
        ArrayNode savedBots = state.putArray("bots");
        for (EmulatedBot bot : bots.all()) {
            ObjectNode saved = savedBots.addObject().put("id", bot.id())
                    .put("firstName", bot.firstName()).put("username", bot.username())
                    .put("canJoinGroups", bot.canJoinGroups())
                    .put("canReadAllGroupMessages", bot.canReadAllGroupMessages())
                    .put("supportsInlineQueries", bot.supportsInlineQueries())
                    .put("token", bot.token()).put("revoked", bots.revoked(bot));
            saved.set("updates", bot.updates.save());
        }
        chats.save(state);
        return Json.write(state);
    }

    /**
     * Takes back what {@link #saveState()} wrote, into this emulator before it has any bot or user: the same bots
     * answer the same tokens, the users' chats go on with the next message ids, pending updates are delivered, and
     * new bots, users and updates get ids above the saved ones.
     *
     * @param saved the JSON text
     * @throws IllegalStateException when this emulator has bots already
     */
    public void restoreState(String saved) {
        if (!bots.all().isEmpty() || !chats.users().isEmpty()) {
            throw new IllegalStateException("restore the state into a new emulator, before creating bots or users");
        }
        JsonNode state = Json.parse(saved);
        Map<Long, EmulatedBot> restored = new HashMap<>();
        for (JsonNode bot : state.get("bots")) {
            EmulatedBot created = bots.restore(bot.get("id").asLong(), bot.get("firstName").asString(),
                    bot.get("username").asString(), bot.get("canJoinGroups").asBoolean(),
                    bot.get("canReadAllGroupMessages").asBoolean(), bot.get("supportsInlineQueries").asBoolean(),
                    bot.get("token").asString(), bot.get("revoked").asBoolean());
            created.updates.restore(bot.get("updates"));
            restored.put(created.id(), created);
        }
        chats.restore(state, restored);
    }

    /**
     * Every bot that has not been deleted.
     *
     * @return the bots, in no particular order
     */
    public List<EmulatedBot> bots() {
        return bots.all();
    }

    /**
     * Every user.
     *
     * @return the users, in no particular order
     */
    public List<EmulatedUser> users() {
        return chats.users();
    }

    // ---- What bots sent ----

    /**
     * What the bot did in its private chat with the user, oldest first: messages sent, edited and deleted.
     *
     * @param user the user
     * @param bot the bot
     * @return the records
     */
    public List<SentMessage> sentTo(EmulatedUser user, EmulatedBot bot) {
        return sentLog.of(bot.id(), user.id());
    }

    /**
     * What the bot did in a group, oldest first, under its former id too after a migration.
     *
     * @param group the group
     * @param bot the bot
     * @return the records
     */
    public List<SentMessage> sentTo(EmulatedGroup group, EmulatedBot bot) {
        return sentLog.of(bot.id(), groupIds(group));
    }

    /**
     * Waits until the bot has done at least {@code count} things in its chat with the user.
     *
     * @param user the user
     * @param bot the bot
     * @param count how many records to wait for (sends, edits and deletions count)
     * @param timeout how long to wait
     * @return all records, at least {@code count}
     * @throws AssertionError after the timeout, listing what was there
     */
    public List<SentMessage> awaitSent(EmulatedUser user, EmulatedBot bot, int count, Duration timeout) {
        return sentLog.await(bot.id(), () -> new long[] {user.id()}, count, timeout, user.toString());
    }

    /**
     * Waits until the bot has done at least {@code count} things in a group.
     *
     * @param group the group
     * @param bot the bot
     * @param count how many records to wait for
     * @param timeout how long to wait
     * @return all records, at least {@code count}
     * @throws AssertionError after the timeout, listing what was there
     */
    public List<SentMessage> awaitSent(EmulatedGroup group, EmulatedBot bot, int count, Duration timeout) {
        return sentLog.await(bot.id(), () -> groupIds(group), count, timeout, group.toString());
    }

    /**
     * Observes every message any bot sends, edits or deletes, as it happens (on the request's thread, after the
     * change is recorded and before the bot gets its answer). Exceptions of the listener are logged and ignored.
     *
     * @param listener the observer
     * @return a handle that removes the listener when closed
     */
    public Subscription onBotMessage(Consumer<SentMessage> listener) {
        Runnable remove = sentLog.addListener(Objects.requireNonNull(listener, "listener"));
        return remove::run;
    }

    /**
     * The bytes a download of a file serves: what a bot uploaded, or for a file a user sent, the given content or
     * generated bytes of its size.
     *
     * @param fileId the file's file_id, as in {@link SentMessage#fileId()} or a user's message
     * @return its bytes, or null when the emulator knows no such file
     */
    public byte[] fileContent(String fileId) {
        FileStore.StoredFile file = files.byId(fileId);
        return file == null ? null : FileStore.bytesOf(file);
    }

    // ---- Faults, limits and counters ----

    /**
     * The faults to inject into the Bot API.
     *
     * @return the fault controls of this emulator
     */
    public Faults faults() {
        return faults;
    }

    /**
     * Replaces the rate limits; buckets and windows keep their state.
     *
     * @param limits the new limits, for example {@link RateLimits#off()}
     */
    public void rateLimits(RateLimits limits) {
        this.rateLimits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * The rate limits in force.
     *
     * @return the limits
     */
    public RateLimits rateLimits() {
        return rateLimits;
    }

    /**
     * How many 429 answers the emulator gave (rate limits and injected ones).
     *
     * @return the count since start
     */
    public long tooManyRequestsCount() {
        return stats.tooManyRequests();
    }

    /**
     * How many requests a method received, whatever their outcome.
     *
     * @param method the method name, case-insensitive, such as {@code getUpdates}
     * @return the count since start
     */
    public long requestCount(String method) {
        return stats.requests(method);
    }

    /**
     * How many Bot API requests the emulator received.
     *
     * @return the count since start
     */
    public long requestCount() {
        return stats.totalRequests();
    }

    /** Stops the server, the webhooks and every waiting long poll. */
    @Override
    public void close() {
        for (EmulatedBot bot : bots.all()) {
            bot.replaceWebhook(null);
            bot.updates.close();
        }
        server.stop();
        synchronized (this) {
            if (webhookClient != null) {
                webhookClient.shutdownNow();
            }
        }
    }

    /** A registration that can be undone. */
    @FunctionalInterface
    public interface Subscription extends AutoCloseable {

        /** Undoes the registration. */
        @Override
        void close();
    }

    /** Created on the first webhook only, because an HttpClient costs a selector thread. */
    private synchronized HttpClient webhookClient() {
        if (webhookClient == null) {
            webhookClient = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5))
                    .executor(Executors.newVirtualThreadPerTaskExecutor())
                    .build();
        }
        return webhookClient;
    }

    private static long[] groupIds(EmulatedGroup group) {
        return Arrays.stream(new long[] {group.formerId(), group.id()}).filter(id -> id != 0).toArray();
    }
}
