package com.smartchat.channel.spi;

import java.util.List;
import java.util.Objects;

/**
 * A message the host asks a channel to send: an agent's reply or a greeting.
 *
 * <p>A channel sends text longer than its network allows as several messages, split on sensible boundaries, and
 * when the network rejects the {@link #format()} it sends the text as plain text rather than lose it.
 *
 * @param conversationId the {@link Conversation#externalId()} to send to
 * @param text the text, or the caption of {@link #attachment()}; may be {@code null} only with an attachment
 * @param format how to read the text
 * @param buttons rows of buttons under the message; empty for none
 * @param attachment a file to send, by the network's {@link Attachment#reference()} or a public https URL, or
 *                   {@code null}
 * @param replyToMessageId the network's id of the message this answers, or {@code null}
 * @param kind whether an agent wrote it or the host greets a new member with it; since 1.4, {@link Kind#REPLY}
 *             when not given
 * @param content since 1.4, the bytes of {@link #attachment()} to upload, for a file the network does not have yet
 *                (an agent's photo or document: the attachment's kind, media type and file name describe it, its
 *                reference is {@code null}); {@code null} when the attachment is sent by reference. A channel that
 *                cannot upload fails the send with {@link FailureKind#NOT_SUPPORTED}
 */
public record OutboundMessage(
        String conversationId, String text, Format format, List<List<Button>> buttons, Attachment attachment,
        String replyToMessageId, Kind kind, AttachmentContent content) {

    /**
     * Who a message comes from, for a network that treats them differently (one that allows a business to start a
     * conversation only with an approved template, for example, or sends greetings silently).
     *
     * @since 1.4
     */
    public enum Kind {
        /** Written by an agent, in answer to the conversation. */
        REPLY,
        /** The channel's Greeting Message, which the host sends once when a member first makes contact. */
        GREETING
    }

    /** How to read a message's text. */
    public enum Format {
        /** As it is: nothing is markup. */
        PLAIN,
        /** Markdown: {@code *bold*}, {@code _italic_}, {@code [link](https://...)}, {@code `code`}. */
        MARKDOWN,
        /** A small HTML subset: {@code <b> <i> <u> <s> <a href> <code> <pre>}. */
        HTML
    }

    /**
     * A button under a message: pressing it either sends {@link #data()} back as an
     * {@link InboundEvent.ButtonPressed} or opens {@link #url()}.
     *
     * @param label the text on the button
     * @param data what comes back when it is pressed (at most 64 bytes), or {@code null} for a link button
     * @param url the address a link button opens, or {@code null}
     */
    public record Button(String label, String data, String url) {
        public Button {
            Objects.requireNonNull(label, "A button needs a label");
            if ((data == null) == (url == null)) {
                throw new IllegalArgumentException("A button has either data or a url: '" + label + "'");
            }
        }

        /** A button that sends data back. */
        public static Button callback(String label, String data) {
            return new Button(label, data, null);
        }

        /** A button that opens an address. */
        public static Button link(String label, String url) {
            return new Button(label, null, url);
        }
    }

    public OutboundMessage {
        if (conversationId == null || conversationId.isBlank()) {
            throw new IllegalArgumentException("A message needs a conversation");
        }
        Objects.requireNonNull(format, "A message needs a format");
        if (text == null && attachment == null) {
            throw new IllegalArgumentException("A message needs text or an attachment");
        }
        if (content != null && attachment == null) {
            throw new IllegalArgumentException("Content to upload needs an attachment that describes it");
        }
        buttons = buttons == null ? List.of() : buttons.stream().map(List::copyOf).toList();
        kind = kind == null ? Kind.REPLY : kind;
    }

    /** A {@link Kind#REPLY}, as every message was before SPI 1.4. */
    public OutboundMessage(String conversationId, String text, Format format, List<List<Button>> buttons,
                           Attachment attachment, String replyToMessageId) {
        this(conversationId, text, format, buttons, attachment, replyToMessageId, Kind.REPLY, null);
    }

    /**
     * A message of a kind, with nothing to upload.
     *
     * @since 1.4
     */
    public OutboundMessage(String conversationId, String text, Format format, List<List<Button>> buttons,
                           Attachment attachment, String replyToMessageId, Kind kind) {
        this(conversationId, text, format, buttons, attachment, replyToMessageId, kind, null);
    }

    /** Plain text, nothing else: a {@link Kind#REPLY}. */
    public static OutboundMessage text(String conversationId, String text) {
        return new OutboundMessage(conversationId, text, Format.PLAIN, List.of(), null, null);
    }

    /**
     * This message as another kind, such as {@code OutboundMessage.text(id, greeting).withKind(Kind.GREETING)}.
     *
     * @since 1.4
     */
    public OutboundMessage withKind(Kind newKind) {
        return new OutboundMessage(conversationId, text, format, buttons, attachment, replyToMessageId, newKind,
                content);
    }

    /**
     * A {@link Kind#REPLY} that uploads a file: {@code described} says what it is (kind, media type, file name; its
     * reference is not read), {@code content} holds its bytes.
     *
     * @param caption the text sent with the file, or {@code null}
     * @since 1.4
     */
    public static OutboundMessage upload(String conversationId, String caption, Attachment described,
                                         AttachmentContent content) {
        return new OutboundMessage(conversationId, caption, Format.PLAIN, List.of(), described, null, Kind.REPLY,
                Objects.requireNonNull(content, "An upload needs its content"));
    }
}
