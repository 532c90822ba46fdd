package com.smartchat.telegram;

import com.smartchat.channel.spi.ChannelException;
import com.smartchat.channel.spi.FailureKind;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import javax.net.ssl.SSLException;
import org.telegram.telegrambots.meta.api.objects.ResponseParameters;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;
import org.telegram.telegrambots.meta.exceptions.TelegramApiValidationException;

/**
 * Turns what TelegramBots throws into {@link ChannelException}s whose {@link FailureKind} the host acts on, with
 * messages an admin understands and no token anywhere (the cause is a {@linkplain Redactor#redact(Throwable, String)
 * redacted copy}).
 */
final class Failures {

    static final String UNAUTHORIZED_REASON = "Telegram rejected the token (revoked or wrong)";
    static final String UNAUTHORIZED_FIX = "Paste a new token from BotFather's /token with Replace token";
    static final String CONFLICT_REASON = "Another program receives this bot's updates (a webhook or a second poller)";
    static final String CONFLICT_FIX = "Stop the other program, or remove its webhook with the Bot API method "
            + "deleteWebhook, then start this channel again; or give this channel a bot of its own from BotFather";

    private Failures() {
    }

    /** The failure of a Bot API call, typed. */
    static ChannelException of(Throwable failure, String token, String baseUrl) {
        Throwable cause = Redactor.redact(failure, token);
        TelegramApiRequestException api = find(failure, TelegramApiRequestException.class);
        if (api != null && api.getErrorCode() != null && api.getErrorCode() != 0) {
            int code = api.getErrorCode();
            String description = Redactor.redact(api.getApiResponse(), token);
            String said = "Telegram answered " + code + (description == null ? "" : " (" + description + ")");
            ResponseParameters parameters = api.getParameters();
            return switch (code) {
                case 429 -> {
                    Integer after = parameters == null ? null : parameters.getRetryAfter();
                    yield new ChannelException(FailureKind.RATE_LIMITED,
                            "Telegram asks to wait" + (after == null ? "" : " " + after + " s") + " before sending more: "
                                    + said + ".", null, after == null ? null : Duration.ofSeconds(after), cause);
                }
                case 401 -> new ChannelException(FailureKind.UNAUTHORIZED, UNAUTHORIZED_REASON + ": " + said + ".",
                        UNAUTHORIZED_FIX, null, cause);
                case 403 -> new ChannelException(FailureKind.RECIPIENT_BLOCKED,
                        "The recipient does not accept messages from this bot: " + said + ".",
                        "Nothing to do until they write to the bot again (or add it back to the group).", null, cause);
                case 409 -> new ChannelException(FailureKind.CONFLICT, CONFLICT_REASON + ": " + said + ".",
                        CONFLICT_FIX, null, cause);
                default -> code >= 500 || code == 420
                        ? new ChannelException(FailureKind.TRANSIENT, "Telegram had a problem: " + said + ".", null, null, cause)
                        : new ChannelException(FailureKind.INVALID_REQUEST, "Telegram refused the request: " + said + ".",
                                null, null, cause);
            };
        }
        if (find(failure, TelegramApiValidationException.class) != null) {
            return new ChannelException(FailureKind.INVALID_REQUEST, "The message cannot be sent to Telegram: "
                    + Redactor.redact(find(failure, TelegramApiValidationException.class).getMessage(), token) + ".",
                    null, null, cause);
        }
        IOException io = find(failure, IOException.class);
        if (io != null) {
            return new ChannelException(FailureKind.TRANSIENT,
                    "Could not reach Telegram at " + baseUrl + ": " + unreachable(io, token) + ".", null, null, cause);
        }
        if (find(failure, InterruptedException.class) != null) {
            return new ChannelException(FailureKind.TRANSIENT, "The request to Telegram was interrupted (the channel "
                    + "is stopping).", null, null, cause);
        }
        return new ChannelException(FailureKind.TRANSIENT, "Telegram's answer could not be used: "
                + Redactor.describe(failure, token) + ".", null, null, cause);
    }

    /**
     * The failure of a send: as {@link #of}, except that a connection lost once the request may have been written
     * is {@link FailureKind#UNCERTAIN}, because Telegram may have delivered the message and a retry would deliver
     * it twice.
     */
    static ChannelException ofSend(Throwable failure, String token, String baseUrl) {
        ChannelException typed = of(failure, token, baseUrl);
        // an answer that could not be read (the HTML of a 502) is an answer: the request was refused, not lost
        boolean answered = find(failure, TelegramApiRequestException.class) != null;
        if (typed.kind() != FailureKind.TRANSIENT || answered || find(failure, IOException.class) == null
                || neverLeft(failure)) {
            return typed;
        }
        return new ChannelException(FailureKind.UNCERTAIN, "The connection to Telegram at " + baseUrl + " was lost "
                + "while sending (" + unreachable(failure, token) + "): Telegram may have delivered the message.",
                "Check the chat, then send it again if it is not there.", null, Redactor.redact(failure, token));
    }

    /** Whether a request certainly never reached the server: no address, no route, the connection refused. */
    private static boolean neverLeft(Throwable failure) {
        return find(failure, UnknownHostException.class) != null || find(failure, ConnectException.class) != null
                || find(failure, NoRouteToHostException.class) != null;
    }

    /** Whether Telegram refused a message's markup ("can't parse entities"). */
    static boolean isMarkupRefused(Throwable failure) {
        TelegramApiRequestException api = find(failure, TelegramApiRequestException.class);
        if (api == null || api.getErrorCode() == null || api.getErrorCode() != 400 || api.getApiResponse() == null) {
            return false;
        }
        String description = api.getApiResponse().toLowerCase(Locale.ROOT);
        return description.contains("can't parse") || description.contains("cannot parse")
                || description.contains("can't find end") || description.contains("unsupported start tag");
    }

    /** The chat a group moved to, when Telegram refused a send because of that; else {@code null}. */
    static Long migratedTo(Throwable failure) {
        TelegramApiRequestException api = find(failure, TelegramApiRequestException.class);
        return api == null || api.getParameters() == null ? null : api.getParameters().getMigrateToChatId();
    }

    /** Telegram's error code, or 0 when the failure is not an answer from Telegram. */
    static int errorCode(Throwable failure) {
        TelegramApiRequestException api = find(failure, TelegramApiRequestException.class);
        return api == null || api.getErrorCode() == null ? 0 : api.getErrorCode();
    }

    /**
     * Whether no answer came at all: no address, no connection, or silence until the deadline. A server that
     * answered something unreadable (another protocol, a closed stream, a failed TLS handshake) did answer.
     */
    static boolean noAnswer(Throwable failure) {
        if (find(failure, UnknownHostException.class) != null || find(failure, ConnectException.class) != null
                || find(failure, NoRouteToHostException.class) != null
                || find(failure, SocketTimeoutException.class) != null) {
            return true;
        }
        IOException io = find(failure, IOException.class);
        return io instanceof InterruptedIOException && io.getMessage() != null
                && io.getMessage().toLowerCase(Locale.ROOT).contains("timeout");
    }

    /** Why a server could not be reached, in words, e.g. "the connection was refused". */
    static String unreachable(Throwable failure, String token) {
        IOException io = find(failure, IOException.class);
        if (io == null) {
            return Redactor.describe(failure, token);
        }
        if (find(failure, UnknownHostException.class) != null) {
            return "its host name is unknown (DNS lookup failed)";
        }
        if (find(failure, ConnectException.class) != null) {
            return "the connection was refused";
        }
        if (find(failure, NoRouteToHostException.class) != null) {
            return "there is no network route to it";
        }
        if (find(failure, SocketTimeoutException.class) != null || io instanceof InterruptedIOException
                && io.getMessage() != null && io.getMessage().toLowerCase(Locale.ROOT).contains("timeout")) {
            return "it did not answer in time";
        }
        if (find(failure, SSLException.class) != null) {
            return "the secure connection failed (" + Redactor.redact(find(failure, SSLException.class).getMessage(), token) + ")";
        }
        return Redactor.describe(io, token);
    }

    static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        Throwable current = failure;
        int depth = 0;
        while (current != null && depth++ < 10) {
            if (type.isInstance(current)) {
                return type.cast(current);
            }
            current = current.getCause() == current ? null : current.getCause();
        }
        return null;
    }
}
