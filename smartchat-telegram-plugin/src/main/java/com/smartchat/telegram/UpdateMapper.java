package com.smartchat.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.smartchat.channel.spi.Attachment;
import com.smartchat.channel.spi.AudienceMember;
import com.smartchat.channel.spi.Conversation;
import com.smartchat.channel.spi.InboundEvent;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.telegram.telegrambots.meta.api.objects.Audio;
import org.telegram.telegrambots.meta.api.objects.CallbackQuery;
import org.telegram.telegrambots.meta.api.objects.Contact;
import org.telegram.telegrambots.meta.api.objects.Document;
import org.telegram.telegrambots.meta.api.objects.Update;
import org.telegram.telegrambots.meta.api.objects.User;
import org.telegram.telegrambots.meta.api.objects.Venue;
import org.telegram.telegrambots.meta.api.objects.Video;
import org.telegram.telegrambots.meta.api.objects.VideoNote;
import org.telegram.telegrambots.meta.api.objects.Voice;
import org.telegram.telegrambots.meta.api.objects.chat.Chat;
import org.telegram.telegrambots.meta.api.objects.chatmember.ChatMember;
import org.telegram.telegrambots.meta.api.objects.chatmember.ChatMemberUpdated;
import org.telegram.telegrambots.meta.api.objects.location.Location;
import org.telegram.telegrambots.meta.api.objects.message.MaybeInaccessibleMessage;
import org.telegram.telegrambots.meta.api.objects.message.Message;
import org.telegram.telegrambots.meta.api.objects.photo.PhotoSize;
import org.telegram.telegrambots.meta.api.objects.stickers.Sticker;

/**
 * Maps a Telegram update to an SPI event. The event id is the {@code update_id}, so a redelivered update becomes
 * the same event. Anything not mapped becomes {@link InboundEvent.Unrecognized} with the update's JSON: nothing is
 * dropped. Attachments carry Telegram's {@code file_id} and facts about the file, never a file URL (those contain
 * the token).
 */
final class UpdateMapper {

    /** {@code /name}, {@code /name@bot} and {@code /name argument}. */
    private static final Pattern COMMAND = Pattern.compile("^/([A-Za-z0-9_]{1,64})(?:@([A-Za-z0-9_]{1,64}))?(?:\\s+(.*))?$",
            Pattern.DOTALL);

    /** Fields of a message that say nothing about its kind. */
    private static final Set<String> MESSAGE_COMMON_FIELDS = Set.of(
            "message_id", "message_thread_id", "from", "sender_chat", "sender_boost_count", "sender_business_bot",
            "date", "chat", "forward_origin", "is_topic_message", "is_automatic_forward", "reply_to_message",
            "external_reply", "quote", "reply_to_story", "via_bot", "edit_date", "has_protected_content",
            "is_from_offline", "media_group_id", "author_signature", "entities", "caption_entities",
            "link_preview_options", "effect_id", "show_caption_above_media", "has_media_spoiler", "reply_markup",
            "business_connection_id");

    private final Clock clock;
    private final String botUsername;

    /**
     * @param clock for events Telegram gives no time for (button presses)
     * @param botUsername the bot's own username, to tell {@code /cmd@thisbot} from {@code /cmd@otherbot}; or
     *                    {@code null} when unknown
     */
    UpdateMapper(Clock clock, String botUsername) {
        this.clock = clock;
        this.botUsername = botUsername;
    }

    /**
     * The event for an update; never throws: an update that cannot be mapped becomes {@code Unrecognized}.
     *
     * @param update the update as {@link PollRequest#read} read it; it has a usable id (an update without one is
     *               never mapped: it would need an invented id)
     */
    InboundEvent map(PollRequest.RawUpdate update) {
        String eventId = String.valueOf(update.getUpdateId());
        if (!update.unreadable) {
            try {
                InboundEvent event = mapKnown(eventId, update);
                if (event != null) {
                    return event;
                }
            } catch (RuntimeException e) {
                // an update shaped unlike TelegramBots' model: keep it as it came
            }
        }
        return unrecognized(eventId, update);
    }

    private InboundEvent mapKnown(String eventId, Update update) {
        if (update.hasMessage()) {
            return message(eventId, update.getMessage(), false);
        }
        if (update.hasEditedMessage()) {
            return message(eventId, update.getEditedMessage(), true);
        }
        if (update.hasChannelPost()) {
            return message(eventId, update.getChannelPost(), false);
        }
        if (update.hasEditedChannelPost()) {
            return message(eventId, update.getEditedChannelPost(), true);
        }
        if (update.hasCallbackQuery()) {
            return buttonPressed(eventId, update.getCallbackQuery());
        }
        if (update.getMyChatMember() != null) {
            return membership(eventId, update.getMyChatMember());
        }
        return null;
    }

    // ----------------------------------------------------------------------------------------------- messages

    private InboundEvent message(String eventId, Message message, boolean edited) {
        if (message.getChat() == null || message.getMessageId() == null) {
            return null;
        }
        Conversation conversation = conversation(message.getChat());
        AudienceMember member = member(message.getFrom());
        Instant at = edited && message.getEditDate() != null
                ? seconds(message.getEditDate()) : seconds(message.getDate());
        String messageId = String.valueOf(message.getMessageId());

        if (message.getMigrateToChatId() != null) {
            return new InboundEvent.ConversationMoved(eventId, at, conversation, member,
                    String.valueOf(message.getMigrateToChatId()));
        }
        if (message.getMigrateFromChatId() != null) {
            Conversation old = new Conversation(String.valueOf(message.getMigrateFromChatId()),
                    Conversation.Kind.GROUP, conversation.title());
            return new InboundEvent.ConversationMoved(eventId, at, old, member, conversation.externalId());
        }

        String caption = message.getCaption();
        String text = message.getText() != null ? message.getText() : caption;
        List<Attachment> attachments = attachments(message, caption);
        if (text == null && attachments.isEmpty()) {
            return null; // a service message or a kind without mapping (poll, dice, game...): unrecognized
        }
        if (edited) {
            return new InboundEvent.MessageEdited(eventId, at, conversation, member, messageId, text, attachments);
        }
        InboundEvent.Command command = message.getText() != null ? command(message.getText()) : null;
        return new InboundEvent.MessageReceived(eventId, at, conversation, member, messageId, text, attachments,
                command);
    }

    /** The command in a message's text, or {@code null}; {@code /cmd@otherbot} is not ours. */
    InboundEvent.Command command(String text) {
        Matcher matcher = COMMAND.matcher(text.strip());
        if (!matcher.matches()) {
            return null;
        }
        String addressee = matcher.group(2);
        if (addressee != null && botUsername != null && !addressee.equalsIgnoreCase(botUsername)) {
            return null;
        }
        String argument = matcher.group(3) == null ? null : matcher.group(3).strip();
        return new InboundEvent.Command(matcher.group(1), argument == null || argument.isEmpty() ? null : argument);
    }

    /** The longer side a photo's preview needs, in pixels. */
    private static final int PREVIEW_PIXELS = 320;

    private static List<Attachment> attachments(Message message, String caption) {
        List<Attachment> attachments = new ArrayList<>();
        if (message.getPhoto() != null && !message.getPhoto().isEmpty()) {
            PhotoSize largest = message.getPhoto().stream()
                    .max(Comparator.comparingLong((PhotoSize size) -> (long) orZero(size.getWidth()) * orZero(size.getHeight()))
                            .thenComparingLong(size -> orZero(size.getFileSize())))
                    .orElseThrow();
            // the smallest size that still fills a transcript's preview, so that previews load quickly
            PhotoSize preview = message.getPhoto().stream()
                    .filter(size -> Math.max(orZero(size.getWidth()), orZero(size.getHeight())) >= PREVIEW_PIXELS)
                    .min(Comparator.comparingLong((PhotoSize size) -> (long) orZero(size.getWidth()) * orZero(size.getHeight())))
                    .orElse(largest);
            attachments.add(new Attachment(Attachment.Kind.PHOTO, largest.getFileId(), "image/jpeg",
                    size(largest.getFileSize()), null, caption,
                    details("width", largest.getWidth(), "height", largest.getHeight(),
                            "thumbnail", preview.getFileId())));
        }
        Document document = message.getDocument();
        if (document != null && message.getAnimation() == null) {
            attachments.add(new Attachment(Attachment.Kind.DOCUMENT, document.getFileId(), document.getMimeType(),
                    size(document.getFileSize()), document.getFileName(), caption, Map.of()));
        }
        if (message.getAnimation() != null) {
            var animation = message.getAnimation();
            attachments.add(new Attachment(Attachment.Kind.OTHER, animation.getFileId(), animation.getMimeType(),
                    size(animation.getFileSize()), animation.getFileName(), caption,
                    details("type", "animation", "width", animation.getWidth(), "height", animation.getHeight(),
                            "duration", animation.getDuration())));
        }
        Audio audio = message.getAudio();
        if (audio != null) {
            attachments.add(new Attachment(Attachment.Kind.AUDIO, audio.getFileId(), audio.getMimeType(),
                    size(audio.getFileSize()), audio.getFileName(), caption,
                    details("duration", audio.getDuration(), "title", audio.getTitle(),
                            "performer", audio.getPerformer())));
        }
        Voice voice = message.getVoice();
        if (voice != null) {
            attachments.add(new Attachment(Attachment.Kind.VOICE, voice.getFileId(), voice.getMimeType(),
                    size(voice.getFileSize()), null, caption, details("duration", voice.getDuration())));
        }
        Video video = message.getVideo();
        if (video != null) {
            attachments.add(new Attachment(Attachment.Kind.VIDEO, video.getFileId(), video.getMimeType(),
                    size(video.getFileSize()), video.getFileName(), caption,
                    details("width", video.getWidth(), "height", video.getHeight(), "duration", video.getDuration())));
        }
        VideoNote note = message.getVideoNote();
        if (note != null) {
            attachments.add(new Attachment(Attachment.Kind.VIDEO, note.getFileId(), "video/mp4",
                    size(note.getFileSize()), null, caption,
                    details("type", "video_note", "width", note.getLength(), "height", note.getLength(),
                            "duration", note.getDuration())));
        }
        Sticker sticker = message.getSticker();
        if (sticker != null) {
            String mime = Boolean.TRUE.equals(sticker.getIsAnimated()) ? "application/x-tgsticker"
                    : Boolean.TRUE.equals(sticker.getIsVideo()) ? "video/webm" : "image/webp";
            attachments.add(new Attachment(Attachment.Kind.STICKER, sticker.getFileId(), mime,
                    size(sticker.getFileSize()), null, caption,
                    details("width", sticker.getWidth(), "height", sticker.getHeight(), "emoji", sticker.getEmoji(),
                            "set", sticker.getSetName())));
        }
        Venue venue = message.getVenue();
        Location location = venue != null && venue.getLocation() != null ? venue.getLocation() : message.getLocation();
        if (location != null) {
            Map<String, String> details = details("latitude", location.getLatitude(),
                    "longitude", location.getLongitude(), "accuracy", location.getHorizontalAccuracy(),
                    "live_period", location.getLivePeriod());
            if (venue != null) {
                details = new LinkedHashMap<>(details);
                details.putAll(details("title", venue.getTitle(), "address", venue.getAddress()));
            }
            attachments.add(new Attachment(Attachment.Kind.LOCATION, null, null, -1, null, caption, details));
        }
        Contact contact = message.getContact();
        if (contact != null) {
            attachments.add(new Attachment(Attachment.Kind.CONTACT, null, null, -1, null, caption,
                    details("phone", contact.getPhoneNumber(), "name", name(contact.getFirstName(), contact.getLastName()),
                            "user_id", contact.getUserId())));
        }
        return attachments;
    }

    // ------------------------------------------------------------------------------------------ other updates

    private InboundEvent buttonPressed(String eventId, CallbackQuery query) {
        AudienceMember member = member(query.getFrom());
        MaybeInaccessibleMessage message = query.getMessage();
        Conversation conversation;
        String messageId;
        if (message != null && message.getChat() != null) {
            conversation = conversation(message.getChat());
            messageId = message.getMessageId() == null ? null : String.valueOf(message.getMessageId());
        } else if (query.getFrom() != null) {
            // a button under an inline message: no chat is known, the presser is
            conversation = new Conversation(String.valueOf(query.getFrom().getId()), Conversation.Kind.PRIVATE, null);
            messageId = query.getInlineMessageId();
        } else {
            return null;
        }
        String data = query.getData() != null ? query.getData() : query.getGameShortName();
        return new InboundEvent.ButtonPressed(eventId, clock.instant(), conversation, member, messageId, data);
    }

    private InboundEvent membership(String eventId, ChatMemberUpdated change) {
        if (change.getChat() == null || !"private".equals(change.getChat().getType())) {
            return null; // the bot added to or removed from a group or channel: unrecognized, with its JSON
        }
        ChatMember now = change.getNewChatMember();
        String status = now == null ? null : now.getStatus();
        Conversation conversation = conversation(change.getChat());
        AudienceMember member = member(change.getFrom());
        Instant at = seconds(change.getDate());
        if ("kicked".equals(status)) {
            return new InboundEvent.MemberBlocked(eventId, at, conversation, member);
        }
        if ("member".equals(status)) {
            return new InboundEvent.MemberUnblocked(eventId, at, conversation, member);
        }
        return null;
    }

    /**
     * The update kept as it came, with the chat and the person it names where it names them (under its kind:
     * {@code chat} and {@code from} or {@code user}, or the message's), else none: a missing chat is no error.
     */
    private InboundEvent unrecognized(String eventId, PollRequest.RawUpdate update) {
        String type = update.kind;
        JsonNode body = update.json == null ? null : update.json.get(type);
        Conversation conversation = null;
        AudienceMember member = null;
        Instant at = clock.instant();
        if (body != null && body.isObject()) {
            if (type.endsWith("message") || type.endsWith("channel_post")) {
                type = type + "." + messageKind(body);
            }
            JsonNode inner = body.path("message").isObject() ? body.path("message") : body;
            conversation = conversation(body.path("chat").isObject() ? body.path("chat") : inner.path("chat"));
            JsonNode person = body.path("from").isObject() ? body.path("from") : body.path("user");
            member = member(person.isObject() ? person : inner.path("from"));
            if (body.path("date").canConvertToInt() && body.path("date").isIntegralNumber()) {
                at = seconds(body.path("date").intValue());
            }
        }
        return new InboundEvent.Unrecognized(eventId, at, conversation, member, type, update.text);
    }

    /** A conversation from a chat's JSON, or {@code null} when it is not one. */
    private static Conversation conversation(JsonNode chat) {
        if (!chat.isObject() || !chat.path("id").isIntegralNumber() || !chat.path("id").canConvertToLong()) {
            return null;
        }
        Chat model = new Chat(chat.path("id").longValue(), chat.path("type").asText(""));
        model.setTitle(chat.path("title").isTextual() ? chat.path("title").asText() : null);
        return conversation(model);
    }

    /** A person from a user's JSON, or {@code null} when it is not one. */
    private static AudienceMember member(JsonNode user) {
        if (!user.isObject() || !user.path("id").isIntegralNumber() || !user.path("id").canConvertToLong()) {
            return null;
        }
        return new AudienceMember(String.valueOf(user.path("id").longValue()),
                name(text(user, "first_name"), text(user, "last_name")), text(user, "username"),
                text(user, "language_code"));
    }

    private static String text(JsonNode node, String field) {
        return node.path(field).isTextual() ? node.path(field).asText() : null;
    }

    private static String messageKind(JsonNode message) {
        Iterator<String> names = message.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!MESSAGE_COMMON_FIELDS.contains(name)) {
                return name;
            }
        }
        return "empty";
    }

    // ---------------------------------------------------------------------------------------------- the parts

    static Conversation conversation(Chat chat) {
        String type = chat.getType() == null ? "" : chat.getType().toLowerCase(Locale.ROOT);
        return switch (type) {
            case "private" -> new Conversation(String.valueOf(chat.getId()), Conversation.Kind.PRIVATE, null);
            case "channel" -> new Conversation(String.valueOf(chat.getId()), Conversation.Kind.BROADCAST, chat.getTitle());
            default -> new Conversation(String.valueOf(chat.getId()), Conversation.Kind.GROUP, chat.getTitle());
        };
    }

    static AudienceMember member(User user) {
        if (user == null || user.getId() == null) {
            return null;
        }
        return new AudienceMember(String.valueOf(user.getId()), name(user.getFirstName(), user.getLastName()),
                user.getUserName(), user.getLanguageCode());
    }

    private static String name(String first, String last) {
        String name = ((first == null ? "" : first) + " " + (last == null ? "" : last)).strip();
        return name.isEmpty() ? null : name;
    }

    private static Instant seconds(Integer epochSeconds) {
        return epochSeconds == null ? Instant.EPOCH : Instant.ofEpochSecond(epochSeconds);
    }

    private static long size(Number size) {
        return size == null ? -1 : size.longValue();
    }

    private static long orZero(Number number) {
        return number == null ? 0 : number.longValue();
    }

    /** Name/value pairs, skipping absent values. */
    private static Map<String, String> details(Object... pairs) {
        Map<String, String> details = new LinkedHashMap<>();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            if (pairs[i + 1] != null) {
                details.put((String) pairs[i], String.valueOf(pairs[i + 1]));
            }
        }
        return details;
    }
}
