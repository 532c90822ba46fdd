package com.smartchat.telegram.emulator;

import java.time.Duration;
import java.util.Optional;

/**
 * A user's press of an inline button: the callback query the bot received, and the bot's answer once it
 * calls {@code answerCallbackQuery}.
 */
public final class ButtonPress {

    private final String id;
    private final long botId;
    private CallbackAnswer answer;

    ButtonPress(String id, long botId) {
        this.id = id;
        this.botId = botId;
    }

    /**
     * The callback query id the bot received.
     *
     * @return the {@code callback_query.id}
     */
    public String id() {
        return id;
    }

    /**
     * The bot's answer, if it answered already.
     *
     * @return the answer, or empty
     */
    public synchronized Optional<CallbackAnswer> answer() {
        return Optional.ofNullable(answer);
    }

    /**
     * Waits for the bot to answer.
     *
     * @param timeout how long to wait
     * @return the answer
     * @throws AssertionError when the bot did not answer in time
     */
    public synchronized CallbackAnswer awaitAnswer(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (answer == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("the bot did not answer callback query " + id + " within " + timeout);
                }
                wait(Math.max(1, left / 1_000_000));
            }
            return answer;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the answer to callback query " + id, e);
        }
    }

    long botId() {
        return botId;
    }

    /** Records the answer; false when the query was answered before (Telegram then refuses the call). */
    synchronized boolean record(CallbackAnswer answer) {
        if (this.answer != null) {
            return false;
        }
        this.answer = answer;
        notifyAll();
        return true;
    }
}
