package com.smartchat.telegram.emulator;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The pending updates of one bot, as Telegram keeps them: until confirmed by {@code getUpdates} with a higher
 * offset, or until delivered to the webhook.
 *
 * <p>Long polls wait on a condition, never spin. At most one long poll waits per bot: a newer one that is about
 * to wait ends the older one with 409, as Telegram does. Update types the bot did not allow are dropped when
 * they arrive, because Telegram applies {@code allowed_updates} at creation time.
 */
final class UpdateQueue {

    /** Every update type of the Bot API, as {@code allowed_updates} names them. */
    private static final List<String> ALL_TYPES = List.of("message", "edited_message", "channel_post",
            "edited_channel_post", "business_connection", "business_message", "edited_business_message",
            "deleted_business_messages", "message_reaction", "message_reaction_count", "inline_query",
            "chosen_inline_result", "callback_query", "shipping_query", "pre_checkout_query", "purchased_paid_media",
            "poll", "poll_answer", "my_chat_member", "chat_member", "chat_join_request", "chat_boost",
            "removed_chat_boost");

    /** Telegram's default: everything except chat_member and the reactions. */
    private static final Set<String> DEFAULT_ALLOWED = ALL_TYPES.stream()
            .filter(type -> !Set.of("chat_member", "message_reaction", "message_reaction_count").contains(type))
            .collect(Collectors.toUnmodifiableSet());

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<Update> pending = new ArrayList<>();
    private Set<String> allowed = DEFAULT_ALLOWED;
    private Set<String> allowedAsSent;
    private int nextId = ThreadLocalRandom.current().nextInt(100_000_000, 900_000_000);
    private Poll waitingPoll;
    private boolean closed;

    /** One pending update, with the state of its webhook delivery. */
    static final class Update {
        final int id;
        final long chatId;
        final String json;
        boolean inFlight;
        int failures;
        long notBefore;

        Update(int id, long chatId, String json) {
            this.id = id;
            this.chatId = chatId;
            this.json = json;
        }
    }

    private static final class Poll {
        BotApiException ended;
    }

    /**
     * Queues an update, unless its type is not allowed.
     *
     * @param type the Update field, such as {@code message}
     * @param chatId the chat it belongs to; webhook deliveries keep the order per chat
     * @param payload the object under that field
     * @return whether it was queued
     */
    boolean add(String type, long chatId, JsonNode payload) {
        String body = Json.write(payload); // outside the lock: serializing is the expensive part
        lock.lock();
        try {
            if (closed || !allowed.contains(type)) {
                return false;
            }
            int id = nextId++;
            String json = "{\"update_id\":" + id + ",\"" + type + "\":" + body + "}";
            pending.add(new Update(id, chatId, json));
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues an update as given, whatever its type and whatever {@code allowed_updates} says: like one Telegram
     * created before the bot's subscription changed, or of a type newer than this emulator. The JSON may be anything,
     * even without its {@code update_id}; the update is confirmed by its place in the queue all the same.
     *
     * @param chatId the chat whose webhook order it keeps
     * @param render the update's JSON, given the id Telegram assigned it
     * @return the assigned id
     */
    int addRaw(long chatId, IntFunction<String> render) {
        lock.lock();
        try {
            int id = nextId++;
            pending.add(new Update(id, chatId, render.apply(id)));
            changed.signalAll();
            return id;
        } finally {
            lock.unlock();
        }
    }

    /** The next update id and the pending updates, for {@link BotApiEmulator#saveState()}. */
    ObjectNode save() {
        lock.lock();
        try {
            ObjectNode saved = Json.object().put("nextId", nextId);
            ArrayNode updates = saved.putArray("pending");
            for (Update update : pending) {
                updates.addObject().put("id", update.id).put("chatId", update.chatId).put("json", update.json);
            }
            return saved;
        } finally {
            lock.unlock();
        }
    }

    /** Takes back what {@link #save()} wrote: the same updates pending, the ids going on from where they were. */
    void restore(JsonNode saved) {
        lock.lock();
        try {
            nextId = saved.get("nextId").asInt();
            for (JsonNode update : saved.get("pending")) {
                pending.add(new Update(update.get("id").asInt(), update.get("chatId").asLong(),
                        update.get("json").asString()));
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Applies an {@code allowed_updates} parameter the way Telegram does: absent keeps the setting, a list of
     * which no name is known (including the empty list) means the default.
     *
     * @param requested the JSON array sent, or null when absent
     */
    void allow(JsonNode requested) {
        if (requested == null || !requested.isArray()) {
            return;
        }
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode name : requested) {
            if (!name.isString()) {
                return;
            }
            String type = name.stringValue().toLowerCase(Locale.ROOT);
            if (ALL_TYPES.contains(type)) {
                names.add(type);
            }
        }
        lock.lock();
        try {
            allowed = names.isEmpty() ? DEFAULT_ALLOWED : Set.copyOf(names);
            allowedAsSent = names.isEmpty() ? null : names;
        } finally {
            lock.unlock();
        }
    }

    /** The allowed types when they differ from the default (getWebhookInfo shows only those), else null. */
    List<String> customAllowedUpdates() {
        lock.lock();
        try {
            return allowedAsSent == null ? null : List.copyOf(allowedAsSent);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The getUpdates algorithm: forget what the offset confirms, answer at once when something is pending,
     * otherwise wait up to the timeout for the first update.
     *
     * @param offset confirms every update below it; negative keeps only the last {@code -offset} updates
     * @param limit at most this many updates
     * @param timeoutNanos how long to wait when nothing is pending
     * @return the JSON array of updates
     * @throws BotApiException 409 when a newer poll or a webhook ends this one, 401 when the token is revoked
     */
    String poll(long offset, int limit, long timeoutNanos) throws BotApiException, InterruptedException {
        lock.lock();
        Poll me = null;
        try {
            confirm(offset);
            List<Update> batch = head(limit);
            if (!batch.isEmpty() || timeoutNanos <= 0 || closed) {
                return toJsonArray(batch);
            }
            if (waitingPoll != null) {
                waitingPoll.ended = BotApiException.conflict(
                        "terminated by other getUpdates request; make sure that only one bot instance is running");
                changed.signalAll();
            }
            me = new Poll();
            waitingPoll = me;
            long remaining = timeoutNanos;
            while (true) {
                if (me.ended != null) {
                    throw me.ended;
                }
                batch = head(limit);
                if (!batch.isEmpty() || remaining <= 0 || closed) {
                    return toJsonArray(batch);
                }
                remaining = changed.awaitNanos(remaining);
            }
        } finally {
            if (me != null && waitingPoll == me) {
                waitingPoll = null;
            }
            lock.unlock();
        }
    }

    /** Ends the waiting long poll, if any, with {@code reason} (a revoked token, a webhook being set). */
    void endWaitingPoll(BotApiException reason) {
        lock.lock();
        try {
            if (waitingPoll != null) {
                waitingPoll.ended = reason;
                waitingPoll = null;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Whether a long poll is waiting right now. */
    boolean hasWaitingPoll() {
        lock.lock();
        try {
            return waitingPoll != null;
        } finally {
            lock.unlock();
        }
    }

    /** The number of updates not yet confirmed or delivered. */
    int size() {
        lock.lock();
        try {
            return pending.size();
        } finally {
            lock.unlock();
        }
    }

    /** Drops every pending update ({@code drop_pending_updates}). */
    void clear() {
        lock.lock();
        try {
            pending.removeIf(update -> !update.inFlight);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for the next update a webhook may deliver: the oldest pending update of a chat that has nothing in
     * flight, once its retry delay has passed. Per-chat order is Telegram's: a failing update holds back the
     * later updates of its chat, not those of other chats.
     *
     * @param stopped tells when the webhook was removed
     * @return the update, marked in flight, or null once {@code stopped} says so
     */
    Update nextForDelivery(BooleanSupplier stopped) throws InterruptedException {
        lock.lock();
        try {
            while (!stopped.getAsBoolean() && !closed) {
                long now = System.nanoTime();
                long earliestRetry = Long.MAX_VALUE;
                Set<Long> busyChats = new HashSet<>();
                for (Update update : pending) {
                    if (!busyChats.add(update.chatId) || update.inFlight) {
                        continue;
                    }
                    if (update.notBefore - now <= 0) {
                        update.inFlight = true;
                        return update;
                    }
                    earliestRetry = Math.min(earliestRetry, update.notBefore - now);
                }
                if (earliestRetry == Long.MAX_VALUE) {
                    changed.await();
                } else {
                    changed.await(earliestRetry, TimeUnit.NANOSECONDS);
                }
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** Ends a delivery: removes the update when done, else schedules it again after {@code retryDelayNanos}. */
    void deliveryEnded(Update update, boolean done, long retryDelayNanos) {
        lock.lock();
        try {
            update.inFlight = false;
            if (done) {
                pending.remove(update);
            } else {
                update.notBefore = System.nanoTime() + retryDelayNanos;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every waiter, so that a stopped webhook or a closed emulator notices. */
    void wakeUp() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Refuses new updates and releases every waiter (the emulator is closing or the bot deleted). */
    void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void confirm(long offset) {
        if (offset < 0) {
            int keep = (int) Math.min(pending.size(), -offset);
            pending.subList(0, pending.size() - keep).clear();
        } else if (offset > 0) {
            for (Iterator<Update> it = pending.iterator(); it.hasNext(); ) {
                if (it.next().id < offset) {
                    it.remove();
                } else {
                    break;
                }
            }
        }
    }

    private List<Update> head(int limit) {
        return List.copyOf(pending.subList(0, Math.min(limit, pending.size())));
    }

    private static String toJsonArray(List<Update> updates) {
        StringBuilder json = new StringBuilder("[");
        for (Update update : updates) {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append(update.json);
        }
        return json.append(']').toString();
    }
}
