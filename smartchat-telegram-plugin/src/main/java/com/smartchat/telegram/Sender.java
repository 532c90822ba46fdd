package com.smartchat.telegram;

import com.smartchat.channel.spi.Attachment;
import com.smartchat.channel.spi.AttachmentContent;
import com.smartchat.channel.spi.ChannelException;
import com.smartchat.channel.spi.FailureKind;
import com.smartchat.channel.spi.OutboundMessage;
import com.smartchat.channel.spi.SendReceipt;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import org.telegram.telegrambots.client.okhttp.OkHttpTelegramClient;
import org.telegram.telegrambots.meta.api.methods.ParseMode;
import org.telegram.telegrambots.meta.api.methods.send.SendAudio;
import org.telegram.telegrambots.meta.api.methods.send.SendContact;
import org.telegram.telegrambots.meta.api.methods.send.SendDocument;
import org.telegram.telegrambots.meta.api.methods.send.SendLocation;
import org.telegram.telegrambots.meta.api.methods.send.SendMessage;
import org.telegram.telegrambots.meta.api.methods.send.SendPhoto;
import org.telegram.telegrambots.meta.api.methods.send.SendSticker;
import org.telegram.telegrambots.meta.api.methods.send.SendVideo;
import org.telegram.telegrambots.meta.api.methods.send.SendVoice;
import org.telegram.telegrambots.meta.api.objects.InputFile;
import org.telegram.telegrambots.meta.api.objects.ReplyParameters;
import org.telegram.telegrambots.meta.api.objects.message.Message;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.InlineKeyboardMarkup;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.InlineKeyboardButton;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.InlineKeyboardRow;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;

/**
 * Sends one {@link OutboundMessage} as one or more Telegram messages, in one attempt:
 * <ul>
 *   <li>text longer than 4096 characters goes as several messages ({@link TextSplitter});</li>
 *   <li>Markdown and HTML go as MarkdownV2 and HTML ({@link Formatting}); when Telegram cannot parse the markup
 *       anyway, that message goes again as plain text;</li>
 *   <li>a file goes by {@code file_id} or URL, or is uploaded from the host's bytes, with its caption; a caption over 1024 characters (or on a kind that
 *       takes none) follows as text;</li>
 *   <li>buttons go under the last message, the reply on the first;</li>
 *   <li>a group that became a supergroup ({@code migrate_to_chat_id}) is written to at its new id, once, and the
 *       move is reported through {@code moved}.</li>
 * </ul>
 * Any other failure ends the attempt with a typed {@link ChannelException}; the host decides about retries.
 */
final class Sender {

    /** Telegram's limit for files bots upload (photos: 10 MB, which Telegram itself enforces). */
    static final long MAX_UPLOAD = 50L << 20;

    private final OkHttpTelegramClient client;
    private final String token;
    private final String baseUrl;
    private final Clock clock;
    private final BiConsumer<String, String> moved;

    /**
     * @param moved told (old chat id, new chat id) when a group turned out to have moved
     */
    Sender(OkHttpTelegramClient client, String token, String baseUrl, Clock clock, BiConsumer<String, String> moved) {
        this.client = client;
        this.token = token;
        this.baseUrl = baseUrl;
        this.clock = clock;
        this.moved = moved;
    }

    /** One Telegram message to send. */
    private record Part(String text, Attachment attachment, String caption, Upload upload) {
    }

    /** Bytes to upload, read once from the host's stream, so that a second try (a moved group) sends them again. */
    private record Upload(byte[] bytes, String fileName) {
        InputFile inputFile() {
            return new InputFile(new ByteArrayInputStream(bytes), fileName);
        }
    }

    SendReceipt send(OutboundMessage message) throws ChannelException {
        List<Part> parts = plan(message);
        Integer replyTo = messageId(message.replyToMessageId());
        InlineKeyboardMarkup keyboard = keyboard(message.buttons());
        String chatId = message.conversationId();
        boolean migrated = false;
        List<String> ids = new ArrayList<>();
        Instant last = null;
        for (int i = 0; i < parts.size(); i++) {
            Part part = parts.get(i);
            Integer reply = i == 0 ? replyTo : null;
            InlineKeyboardMarkup markup = i == parts.size() - 1 ? keyboard : null;
            Message sent;
            try {
                sent = sendPart(chatId, part, message.format(), reply, markup);
            } catch (TelegramApiException e) {
                Long newChat = Failures.migratedTo(e);
                if (newChat == null || migrated) {
                    throw Failures.ofSend(e, token, baseUrl);
                }
                migrated = true;
                String oldChat = chatId;
                chatId = String.valueOf(newChat);
                moved.accept(oldChat, chatId);
                try {
                    sent = sendPart(chatId, part, message.format(), reply, markup);
                } catch (TelegramApiException again) {
                    throw Failures.ofSend(again, token, baseUrl);
                }
            }
            ids.add(sent != null && sent.getMessageId() != null ? String.valueOf(sent.getMessageId()) : "unknown");
            last = sent != null && sent.getDate() != null ? Instant.ofEpochSecond(sent.getDate()) : clock.instant();
        }
        return new SendReceipt(ids, last == null ? clock.instant() : last);
    }

    private static List<Part> plan(OutboundMessage message) throws ChannelException {
        List<Part> parts = new ArrayList<>();
        String text = message.text();
        Attachment attachment = message.attachment();
        if (attachment != null) {
            Upload upload = upload(message);
            if (upload == null) {
                checkAttachment(attachment);
            }
            boolean captionFits = text == null || text.isEmpty()
                    || text.length() <= TextSplitter.CAPTION_LIMIT && takesCaption(attachment.kind());
            parts.add(new Part(null, attachment, captionFits && text != null && !text.isEmpty() ? text : null,
                    upload));
            if (!captionFits) {
                for (String piece : TextSplitter.split(text, TextSplitter.MESSAGE_LIMIT)) {
                    parts.add(new Part(piece, null, null, null));
                }
            }
            return parts;
        }
        if (text == null || text.isBlank()) {
            throw new ChannelException(FailureKind.INVALID_REQUEST, "Telegram cannot send an empty message.");
        }
        for (String piece : TextSplitter.split(text, TextSplitter.MESSAGE_LIMIT)) {
            parts.add(new Part(piece, null, null, null));
        }
        return parts;
    }

    /** The bytes the host gave to upload, or null when the attachment goes by reference. */
    private static Upload upload(OutboundMessage message) throws ChannelException {
        AttachmentContent content = message.content();
        if (content == null) {
            return null;
        }
        Attachment.Kind kind = message.attachment().kind();
        if (kind == Attachment.Kind.LOCATION || kind == Attachment.Kind.CONTACT) {
            throw new ChannelException(FailureKind.INVALID_REQUEST, "A " + kind.name().toLowerCase(Locale.ROOT)
                    + " has no file to upload.");
        }
        byte[] bytes;
        try {
            bytes = content.stream().readNBytes((int) Math.min(MAX_UPLOAD + 1, Integer.MAX_VALUE));
        } catch (IOException e) {
            throw new ChannelException(FailureKind.TRANSIENT, "The file to upload could not be read: " + e.getMessage());
        }
        if (bytes.length > MAX_UPLOAD) {
            throw new ChannelException(FailureKind.TOO_LARGE, "Telegram takes files of at most 50 MB from bots.");
        }
        String name = content.fileName() != null ? content.fileName()
                : message.attachment().fileName() != null ? message.attachment().fileName() : "file";
        return new Upload(bytes, name);
    }

    private static boolean takesCaption(Attachment.Kind kind) {
        return switch (kind) {
            case PHOTO, DOCUMENT, AUDIO, VIDEO, VOICE, OTHER -> true;
            case STICKER, LOCATION, CONTACT -> false;
        };
    }

    private static void checkAttachment(Attachment attachment) throws ChannelException {
        switch (attachment.kind()) {
            case LOCATION -> {
                if (number(attachment.details().get("latitude")) == null
                        || number(attachment.details().get("longitude")) == null) {
                    throw new ChannelException(FailureKind.INVALID_REQUEST,
                            "A location needs the details latitude and longitude.");
                }
            }
            case CONTACT -> {
                if (blank(attachment.details().get("phone")) || blank(attachment.details().get("name"))) {
                    throw new ChannelException(FailureKind.INVALID_REQUEST, "A contact needs the details phone and name.");
                }
            }
            default -> {
                if (blank(attachment.reference())) {
                    throw new ChannelException(FailureKind.INVALID_REQUEST,
                            "A file to send needs a Telegram file_id or a public https URL as its reference.");
                }
            }
        }
    }

    private Message sendPart(String chatId, Part part, OutboundMessage.Format format, Integer replyTo,
                             InlineKeyboardMarkup keyboard) throws TelegramApiException {
        String text = part.attachment() == null ? part.text() : part.caption();
        String parseMode = text == null ? null : switch (format) {
            case PLAIN -> null;
            case MARKDOWN -> ParseMode.MARKDOWNV2;
            case HTML -> ParseMode.HTML;
        };
        String formatted = text == null || parseMode == null ? text
                : format == OutboundMessage.Format.MARKDOWN ? Formatting.markdownV2(text) : Formatting.telegramHtml(text);
        try {
            return execute(chatId, part, formatted, parseMode, replyTo, keyboard);
        } catch (TelegramApiException e) {
            if (parseMode == null || !Failures.isMarkupRefused(e)) {
                throw e;
            }
            // Telegram cannot parse the markup: send the words rather than lose them
            return execute(chatId, part, Formatting.plain(text, format), null, replyTo, keyboard);
        }
    }

    private Message execute(String chatId, Part part, String text, String parseMode, Integer replyTo,
                            InlineKeyboardMarkup keyboard) throws TelegramApiException {
        ReplyParameters reply = replyTo == null ? null
                : ReplyParameters.builder().messageId(replyTo).allowSendingWithoutReply(true).build();
        Attachment attachment = part.attachment();
        if (attachment == null) {
            return client.execute(SendMessage.builder().chatId(chatId).text(text).parseMode(parseMode)
                    .replyParameters(reply).replyMarkup(keyboard).build());
        }
        InputFile file = part.upload() != null ? part.upload().inputFile()
                : attachment.reference() == null ? null : new InputFile(attachment.reference());
        return switch (attachment.kind()) {
            case PHOTO -> client.execute(SendPhoto.builder().chatId(chatId).photo(file).caption(text)
                    .parseMode(parseMode).replyParameters(reply).replyMarkup(keyboard).build());
            case AUDIO -> client.execute(SendAudio.builder().chatId(chatId).audio(file).caption(text)
                    .parseMode(parseMode).replyParameters(reply).replyMarkup(keyboard).build());
            case VIDEO -> client.execute(SendVideo.builder().chatId(chatId).video(file).caption(text)
                    .parseMode(parseMode).replyParameters(reply).replyMarkup(keyboard).build());
            case VOICE -> client.execute(SendVoice.builder().chatId(chatId).voice(file).caption(text)
                    .parseMode(parseMode).replyParameters(reply).replyMarkup(keyboard).build());
            case STICKER -> client.execute(SendSticker.builder().chatId(chatId).sticker(file)
                    .replyParameters(reply).replyMarkup(keyboard).build());
            case LOCATION -> client.execute(SendLocation.builder().chatId(chatId)
                    .latitude(number(attachment.details().get("latitude")))
                    .longitude(number(attachment.details().get("longitude")))
                    .replyParameters(reply).replyMarkup(keyboard).build());
            case CONTACT -> client.execute(SendContact.builder().chatId(chatId)
                    .phoneNumber(attachment.details().get("phone"))
                    .firstName(attachment.details().get("name"))
                    .replyParameters(reply).replyMarkup(keyboard).build());
            case DOCUMENT, OTHER -> client.execute(SendDocument.builder().chatId(chatId).document(file).caption(text)
                    .parseMode(parseMode).replyParameters(reply).replyMarkup(keyboard).build());
        };
    }

    private static InlineKeyboardMarkup keyboard(List<List<OutboundMessage.Button>> rows) {
        if (rows.isEmpty()) {
            return null;
        }
        List<InlineKeyboardRow> keyboard = new ArrayList<>();
        for (List<OutboundMessage.Button> row : rows) {
            InlineKeyboardRow telegramRow = new InlineKeyboardRow();
            for (OutboundMessage.Button button : row) {
                telegramRow.add(button.url() != null
                        ? InlineKeyboardButton.builder().text(button.label()).url(button.url()).build()
                        : InlineKeyboardButton.builder().text(button.label()).callbackData(button.data()).build());
            }
            if (!telegramRow.isEmpty()) {
                keyboard.add(telegramRow);
            }
        }
        return keyboard.isEmpty() ? null : InlineKeyboardMarkup.builder().keyboard(keyboard).build();
    }

    private static Integer messageId(String id) throws ChannelException {
        if (id == null || id.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(id.strip());
        } catch (NumberFormatException e) {
            throw new ChannelException(FailureKind.INVALID_REQUEST,
                    "A Telegram message id is a number; cannot reply to '" + id + "'.");
        }
    }

    private static Double number(String text) {
        try {
            return text == null ? null : Double.valueOf(text.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }
}
