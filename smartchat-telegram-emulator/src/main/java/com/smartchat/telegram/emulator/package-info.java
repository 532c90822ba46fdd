/**
 * A local, faithful emulator of the Telegram Bot API, for tests, benchmarks and an offline sandbox.
 *
 * <p>{@link com.smartchat.telegram.emulator.BotApiEmulator} is a real HTTP server on loopback (the JDK's
 * server, one virtual thread per request) that answers {@code /bot<token>/<method>} the way
 * {@code api.telegram.org} does, with the same JSON shapes, status codes and error descriptions. Emulated
 * {@link com.smartchat.telegram.emulator.EmulatedUser users} and
 * {@link com.smartchat.telegram.emulator.EmulatedGroup groups} produce the updates; what bots send is
 * recorded as {@link com.smartchat.telegram.emulator.SentMessage}s for assertions and listeners.
 *
 * <p>Reproduced: tokens (401 for unknown, malformed, revoked or rotated ones), getMe, getUpdates (offset
 * confirmation, redelivery, limit, long polls that end as soon as an update arrives, allowed_updates applied
 * when updates are created, 409 for the older of two pollers and while a webhook is set), webhooks (secret
 * header, retries with backoff, last error, pending count, per-chat order, max_connections, method calls in
 * the webhook's answer), sending text and media with Telegram's validation (empty and too long texts and
 * captions, MarkdownV2/HTML/Markdown parsing and errors, keyboards, replies), editing, deleting, callback
 * answers, chat actions, getChat, getFile and file downloads, commands, flood limits (429 with retry_after),
 * blocked users and kicked bots (403), group privacy mode and the group-to-supergroup migration, and injected
 * faults.
 *
 * <p>Not reproduced: inline mode, payments, channels, forum topics, polls, reactions, business connections,
 * media groups and the other methods (they answer 404); file contents from URLs (the emulator is offline and
 * serves placeholder bytes); Telegram's forced 3-second minimum for repeated short polls; the expiry of
 * callback queries and of updates after 24 hours; the HTTPS and port rules of webhook URLs (plain http on any
 * port is accepted so that tests can receive webhooks).
 */
package com.smartchat.telegram.emulator;
