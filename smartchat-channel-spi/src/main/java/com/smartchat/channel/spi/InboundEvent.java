package com.smartchat.channel.spi;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Something a channel received from the network. Every event has an {@link #eventId()} that is unique within its
 * channel and the same when the network delivers it again: the host drops an event whose id it already stored.
 */
public sealed interface InboundEvent {

    /**
     * The network's id of this event (a Telegram {@code update_id}): the same on every redelivery. Never invented by
     * the channel: something without a usable id goes to {@link InboundSink#setAside} instead.
     */
    String eventId();

    /** When it happened, as the network says. */
    Instant occurredAt();

    /**
     * Where it happened; never {@code null}, except for {@link Unrecognized} events the network gave no
     * conversation for (a Telegram inline query, a poll answer, a chat boost), which the host keeps without one.
     */
    Conversation conversation();

    /** Who did it, or {@code null} when no person did (a broadcast post). */
    AudienceMember member();

    /**
     * A new message.
     *
     * @param messageId the network's id of the message within its conversation
     * @param text the text or caption, or {@code null} when there is none
     * @param attachments files, places, contacts
     * @param command a command such as {@code /start PAYLOAD}, parsed, or {@code null}
     */
    record MessageReceived(
            String eventId, Instant occurredAt, Conversation conversation, AudienceMember member,
            String messageId, String text, List<Attachment> attachments, Command command) implements InboundEvent {
        public MessageReceived {
            requireCommon(eventId, occurredAt, conversation);
            Objects.requireNonNull(messageId, "A message needs its id");
            attachments = attachments == null ? List.of() : List.copyOf(attachments);
        }
    }

    /**
     * A message was changed by its author.
     *
     * @param messageId the id of the changed message
     * @param text the new text or caption
     * @param attachments the attachments as they are now
     */
    record MessageEdited(
            String eventId, Instant occurredAt, Conversation conversation, AudienceMember member,
            String messageId, String text, List<Attachment> attachments) implements InboundEvent {
        public MessageEdited {
            requireCommon(eventId, occurredAt, conversation);
            Objects.requireNonNull(messageId, "An edit needs the message's id");
            attachments = attachments == null ? List.of() : List.copyOf(attachments);
        }
    }

    /**
     * A person pressed a button the channel sent.
     *
     * @param messageId the id of the message that carries the button
     * @param data the button's {@link OutboundMessage.Button#data()}
     */
    record ButtonPressed(
            String eventId, Instant occurredAt, Conversation conversation, AudienceMember member,
            String messageId, String data) implements InboundEvent {
        public ButtonPressed {
            requireCommon(eventId, occurredAt, conversation);
        }
    }

    /** The person blocked the channel's account: messages to them will fail until they unblock it. */
    record MemberBlocked(String eventId, Instant occurredAt, Conversation conversation, AudienceMember member)
            implements InboundEvent {
        public MemberBlocked {
            requireCommon(eventId, occurredAt, conversation);
        }
    }

    /** The person unblocked the channel's account. */
    record MemberUnblocked(String eventId, Instant occurredAt, Conversation conversation, AudienceMember member)
            implements InboundEvent {
        public MemberUnblocked {
            requireCommon(eventId, occurredAt, conversation);
        }
    }

    /**
     * The conversation got a new id (a Telegram group upgraded to a supergroup); the host moves its history.
     *
     * @param newConversationId the id to use from now on
     */
    record ConversationMoved(
            String eventId, Instant occurredAt, Conversation conversation, AudienceMember member,
            String newConversationId) implements InboundEvent {
        public ConversationMoved {
            requireCommon(eventId, occurredAt, conversation);
            Objects.requireNonNull(newConversationId, "A move needs the new id");
        }
    }

    /**
     * Anything the channel does not map, kept rather than dropped, so that nothing is lost silently. Every kind of
     * input a network may send, including kinds newer than the plugin, maps to an event: this one where nothing
     * else fits. Its {@code conversation} and {@code member} are {@code null} when the network gave none.
     *
     * <p>This interface is sealed so that a host can handle every kind; a new kind is added in a minor SPI version
     * only together with hosts that handle it, and a plugin built for an older minor version never sends it.
     *
     * @param type the network's name for it, such as {@code poll_answer}
     * @param payload the network's own representation (JSON for Telegram); never containing a credential
     */
    record Unrecognized(
            String eventId, Instant occurredAt, Conversation conversation, AudienceMember member,
            String type, String payload) implements InboundEvent {
        public Unrecognized {
            Objects.requireNonNull(eventId, "An event needs its id");
            Objects.requireNonNull(occurredAt, "An event needs its time");
            Objects.requireNonNull(type, "An unrecognized event needs its type");
        }
    }

    /**
     * A command, such as {@code /start PAYLOAD}.
     *
     * @param name the command without its slash and bot suffix, such as {@code start}
     * @param argument the text after it, or {@code null}
     */
    record Command(String name, String argument) {
        public Command {
            Objects.requireNonNull(name, "A command needs a name");
        }
    }

    private static void requireCommon(String eventId, Instant occurredAt, Conversation conversation) {
        Objects.requireNonNull(eventId, "An event needs its id");
        Objects.requireNonNull(occurredAt, "An event needs its time");
        Objects.requireNonNull(conversation, "An event needs its conversation");
    }
}
