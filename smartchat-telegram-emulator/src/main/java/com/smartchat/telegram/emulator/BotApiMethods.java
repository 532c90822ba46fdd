package com.smartchat.telegram.emulator;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import com.smartchat.telegram.emulator.SentMessage.Action;
import com.smartchat.telegram.emulator.SentMessage.Kind;

/**
 * The Bot API methods: validation, errors and results as Telegram's Bot API server produces them.
 * Errors are checked in Telegram's order: the text and its markup first, then the chat, then the limits.
 */
final class BotApiMethods {

    private static final System.Logger LOG = System.getLogger(BotApiMethods.class.getName());
    private static final int MAX_TEXT_LENGTH = 4096;
    private static final int MAX_CAPTION_LENGTH = 1024;
    private static final Pattern SECRET_TOKEN = Pattern.compile("[A-Za-z0-9_-]*");
    private static final Pattern COMMAND = Pattern.compile("[a-z0-9_]{1,32}");
    private static final Set<String> CHAT_ACTIONS = Set.of("typing", "upload_photo", "record_video", "upload_video",
            "record_voice", "upload_voice", "upload_document", "choose_sticker", "find_location",
            "record_video_note", "upload_video_note");
    private static final Set<String> INLINE_BUTTON_ACTIONS = Set.of("url", "callback_data", "callback_game", "pay",
            "switch_inline_query", "switch_inline_query_current_chat", "switch_inline_query_chosen_chat",
            "login_url", "web_app", "copy_text");

    private final Chats chats;
    private final FileStore files;
    private final SentLog sentLog;
    private final RequestStats stats;
    private final Supplier<RateLimits> rateLimits;
    private final EmulatorOptions options;
    private final Supplier<HttpClient> webhookClient;

    /** A successful result: its JSON and the optional {@code description} Telegram adds to some answers. */
    record Result(String json, String description) {
        static final Result TRUE = new Result("true", null);

        static Result of(JsonNode node) {
            return new Result(Json.write(node), null);
        }
    }

    BotApiMethods(Chats chats, SentLog sentLog, RequestStats stats, Supplier<RateLimits> rateLimits,
                  EmulatorOptions options, Supplier<HttpClient> webhookClient) {
        this.chats = chats;
        this.files = chats.files();
        this.sentLog = sentLog;
        this.stats = stats;
        this.rateLimits = rateLimits;
        this.options = options;
        this.webhookClient = webhookClient;
    }

    /**
     * Runs one method for an authenticated bot.
     *
     * @param method the method name in lower case
     * @throws BotApiException the error answer; 404 for an unknown method
     */
    Result call(EmulatedBot bot, String method, RequestParams p) throws BotApiException, InterruptedException {
        return switch (method) {
            case "getme" -> Result.of(bot.getMeJson());
            case "logout", "close" -> Result.TRUE;
            case "getupdates" -> getUpdates(bot, p);
            case "setwebhook" -> setWebhook(bot, p);
            case "deletewebhook" -> deleteWebhook(bot, p.bool("drop_pending_updates"));
            case "getwebhookinfo" -> Result.of(webhookInfo(bot));
            case "sendmessage" -> sendMessage(bot, p);
            case "sendphoto" -> sendMedia(bot, p, Kind.PHOTO);
            case "senddocument" -> sendMedia(bot, p, Kind.DOCUMENT);
            case "sendaudio" -> sendMedia(bot, p, Kind.AUDIO);
            case "sendvideo" -> sendMedia(bot, p, Kind.VIDEO);
            case "sendvoice" -> sendMedia(bot, p, Kind.VOICE);
            case "sendsticker" -> sendMedia(bot, p, Kind.STICKER);
            case "sendlocation" -> sendLocation(bot, p);
            case "sendcontact" -> sendContact(bot, p);
            case "editmessagetext" -> editMessageText(bot, p);
            case "answercallbackquery" -> answerCallbackQuery(bot, p);
            case "sendchataction" -> sendChatAction(bot, p);
            case "getchat" -> Result.of(chats.resolve(bot, p.string("chat_id"), false).fullInfo());
            case "getfile" -> getFile(p);
            case "deletemessage" -> deleteMessage(bot, p);
            case "setmycommands" -> setMyCommands(bot, p);
            case "getmycommands" -> getMyCommands(bot, p);
            case "deletemycommands" -> {
                bot.commands.remove(commandScope(p));
                yield Result.TRUE;
            }
            default -> throw BotApiException.notFound();
        };
    }

    /**
     * Runs the Bot API call a webhook put in its answer, as Telegram does; errors go nowhere, as on Telegram.
     * Getters and webhook or session changes are ignored there.
     */
    void executeWebhookReply(EmulatedBot bot, String body) {
        try {
            RequestParams params = RequestParams.parse(null, "application/json", body.getBytes(StandardCharsets.UTF_8));
            String method = params.string("method");
            if (method == null) {
                return;
            }
            method = method.toLowerCase(Locale.ROOT);
            if (method.startsWith("get") || Set.of("setwebhook", "deletewebhook", "close", "logout").contains(method)) {
                return;
            }
            stats.countRequest(method);
            call(bot, method, params);
        } catch (BotApiException e) {
            LOG.log(System.Logger.Level.DEBUG, "webhook reply of {0} failed: {1}", bot, e.description());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- Updates and webhooks ----

    private Result getUpdates(EmulatedBot bot, RequestParams p) throws BotApiException, InterruptedException {
        if (bot.webhook() != null) {
            throw BotApiException.conflict("can't use getUpdates method while webhook is active;"
                    + " use deleteWebhook to delete the webhook first");
        }
        long offset = p.longValue("offset", 0);
        int limit = p.clampedInt("limit", 100, 1, 100);
        int timeout = p.clampedInt("timeout", 0, 0, 50);
        bot.updates.allow(allowedUpdates(p));
        return new Result(bot.updates.poll(offset, limit, TimeUnit.SECONDS.toNanos(timeout)), null);
    }

    private Result setWebhook(EmulatedBot bot, RequestParams p) throws BotApiException {
        String url = p.string("url");
        if (url == null || url.isEmpty()) {
            return deleteWebhook(bot, p.bool("drop_pending_updates"));
        }
        bot.rateLimiter.admitSetWebhook(rateLimits.get(), System.nanoTime());
        if (!isWebhookUrl(url)) {
            throw BotApiException.badRequest("invalid webhook URL specified");
        }
        String secret = p.string("secret_token") == null ? "" : p.string("secret_token");
        if (secret.length() > 256) {
            throw BotApiException.badRequest("secret token is too long");
        }
        if (!SECRET_TOKEN.matcher(secret).matches()) {
            throw BotApiException.badRequest("secret token contains unallowed characters");
        }
        int maxConnections = p.clampedInt("max_connections", 40, 1, 100);
        boolean drop = p.bool("drop_pending_updates");
        if (drop) {
            bot.updates.clear();
        }
        bot.updates.allow(allowedUpdates(p));
        bot.updates.endWaitingPoll(BotApiException.conflict("terminated by setWebhook request"));
        synchronized (bot) {
            Webhook current = bot.webhook();
            if (current != null && current.url().equals(url) && current.secretToken().equals(secret)
                    && current.maxConnections() == maxConnections && !drop) {
                return new Result("true", "Webhook is already set");
            }
            bot.replaceWebhook(new Webhook(bot, url, secret, maxConnections, webhookClient, options,
                    this::executeWebhookReply));
        }
        return new Result("true", "Webhook was set");
    }

    private Result deleteWebhook(EmulatedBot bot, boolean dropPendingUpdates) {
        if (dropPendingUpdates) {
            bot.updates.clear();
        }
        synchronized (bot) {
            if (bot.webhook() == null) {
                return new Result("true", "Webhook is already deleted");
            }
            bot.replaceWebhook(null);
        }
        return new Result("true", "Webhook was deleted");
    }

    private static ObjectNode webhookInfo(EmulatedBot bot) {
        Webhook webhook = bot.webhook();
        ObjectNode info = Json.object().put("url", webhook == null ? "" : webhook.url())
                .put("has_custom_certificate", false)
                .put("pending_update_count", bot.updates.size());
        if (webhook != null) {
            if (webhook.lastErrorDate() > 0) {
                info.put("last_error_date", webhook.lastErrorDate());
                info.put("last_error_message", webhook.lastErrorMessage());
            }
            info.put("max_connections", webhook.maxConnections());
        }
        var allowed = bot.updates.customAllowedUpdates();
        if (allowed != null) {
            ArrayNode types = info.putArray("allowed_updates");
            allowed.forEach(types::add);
        }
        return info;
    }

    /** Accepts http as well as https, so that tests can receive webhooks on a plain local server. */
    private static boolean isWebhookUrl(String url) {
        try {
            URI uri = new URI(url);
            return ("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))
                    && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static JsonNode allowedUpdates(RequestParams p) {
        try {
            return p.json("allowed_updates");
        } catch (IllegalArgumentException e) {
            return null; // Telegram ignores an unreadable list and keeps the previous setting.
        }
    }

    // ---- Sending ----

    private Result sendMessage(EmulatedBot bot, RequestParams p) throws BotApiException {
        Entities.Formatted text = messageText(p);
        JsonNode markup = replyMarkup(p);
        Conversation chat = chats.resolve(bot, p.string("chat_id"), true);
        checkLength(text);
        ObjectNode replyTo = replyTarget(chat, p);
        JsonNode linkPreview = jsonOrNull(p, "link_preview_options");
        return send(bot, chat, Kind.TEXT, p, markup, replyTo, text.text(), null, message -> {
            putFormatted(message, "text", "entities", text);
            if (linkPreview != null && linkPreview.isObject()) {
                message.set("link_preview_options", linkPreview);
            }
        });
    }

    private Result sendMedia(EmulatedBot bot, RequestParams p, Kind kind) throws BotApiException {
        String field = kind.name().toLowerCase(Locale.ROOT);
        String reference = p.string(field);
        RequestParams.Upload upload = reference != null && reference.startsWith("attach://")
                ? p.upload(reference.substring("attach://".length()))
                : reference == null || reference.isEmpty() ? p.upload(field) : null;
        if (upload == null && (reference == null || reference.isEmpty() || reference.startsWith("attach://"))) {
            throw BotApiException.badRequest("there is no " + field + " in the request");
        }
        String captionText = kind == Kind.STICKER ? null : p.string("caption");
        Entities.Formatted caption = captionText == null || captionText.isEmpty() ? null
                : Entities.format(captionText, p.string("parse_mode"), jsonOrNull(p, "caption_entities"));
        JsonNode markup = replyMarkup(p);
        Conversation chat = chats.resolve(bot, p.string("chat_id"), true);
        FileStore.StoredFile file = inputFile(kind, reference, upload);
        if (caption != null && caption.text().length() > MAX_CAPTION_LENGTH) {
            throw BotApiException.badRequest("message caption is too long");
        }
        ObjectNode replyTo = replyTarget(chat, p);
        ObjectNode media = file.toJson();
        switch (kind) {
            case PHOTO -> media.put("width", 1280).put("height", 960);
            case DOCUMENT -> media.put("file_name", fileName(reference, upload, "document"))
                    .put("mime_type", upload != null && upload.contentType() != null
                            ? upload.contentType() : "application/octet-stream");
            case AUDIO -> media.put("duration", p.longValue("duration", 0))
                    .put("file_name", fileName(reference, upload, "audio.mp3")).put("mime_type", "audio/mpeg");
            case VIDEO -> media.put("width", p.longValue("width", 1280)).put("height", p.longValue("height", 720))
                    .put("duration", p.longValue("duration", 0)).put("mime_type", "video/mp4");
            case VOICE -> media.put("duration", p.longValue("duration", 0)).put("mime_type", "audio/ogg");
            case STICKER -> media.put("type", "regular").put("width", 512).put("height", 512)
                    .put("is_animated", false).put("is_video", false);
            default -> throw new IllegalArgumentException("not a file kind: " + kind);
        }
        return send(bot, chat, kind, p, markup, replyTo, caption == null ? null : caption.text(), file.fileId(),
                message -> {
                    if (kind == Kind.PHOTO) {
                        message.putArray("photo").add(media);
                    } else {
                        message.set(field, media);
                    }
                    if (caption != null) {
                        putFormatted(message, "caption", "caption_entities", caption);
                    }
                });
    }

    private Result sendLocation(EmulatedBot bot, RequestParams p) throws BotApiException {
        String latitude = p.string("latitude");
        String longitude = p.string("longitude");
        if (latitude == null || latitude.isBlank()) {
            throw BotApiException.badRequest("latitude is empty");
        }
        if (longitude == null || longitude.isBlank()) {
            throw BotApiException.badRequest("longitude is empty");
        }
        JsonNode markup = replyMarkup(p);
        Conversation chat = chats.resolve(bot, p.string("chat_id"), true);
        ObjectNode replyTo = replyTarget(chat, p);
        return send(bot, chat, Kind.LOCATION, p, markup, replyTo, null, null, message -> message.putObject("location")
                .put("latitude", parseDouble(latitude)).put("longitude", parseDouble(longitude)));
    }

    private Result sendContact(EmulatedBot bot, RequestParams p) throws BotApiException {
        String phone = required(p, "phone_number");
        String firstName = required(p, "first_name");
        JsonNode markup = replyMarkup(p);
        Conversation chat = chats.resolve(bot, p.string("chat_id"), true);
        ObjectNode replyTo = replyTarget(chat, p);
        return send(bot, chat, Kind.CONTACT, p, markup, replyTo, null, null, message -> message.putObject("contact")
                .put("phone_number", phone).put("first_name", firstName));
    }

    /** The common end of every send method: flood control, the new message, its record. */
    private Result send(EmulatedBot bot, Conversation chat, Kind kind, RequestParams p, JsonNode markup,
                        ObjectNode replyTo, String text, String fileId, Consumer<ObjectNode> content)
            throws BotApiException {
        bot.rateLimiter.admitMessage(rateLimits.get(), chat.chatId(), chat.group(), System.nanoTime());
        ObjectNode message = chat.log().append(id -> {
            ObjectNode m = Chats.newMessage(id, bot.userJson(), chat.chatJson());
            if (replyTo != null) {
                m.set("reply_to_message", replyTo);
            }
            content.accept(m);
            // Telegram echoes only inline keyboards; reply keyboards belong to the chat, not the message.
            if (markup != null && markup.has("inline_keyboard")) {
                m.set("reply_markup", markup);
            }
            return m;
        });
        sentLog.record(new SentMessage(bot.id(), chat.chatId(), message.get("message_id").asInt(), Action.SENT, kind,
                text, p.string("parse_mode"), markup == null ? null : Json.write(markup), fileId,
                replyTo == null ? null : replyTo.get("message_id").asInt(), p.bool("disable_notification"),
                Instant.now()));
        return Result.of(message);
    }

    // ---- Changing messages ----

    private Result editMessageText(EmulatedBot bot, RequestParams p) throws BotApiException {
        Entities.Formatted text = messageText(p);
        JsonNode markup = replyMarkup(p);
        if (p.has("inline_message_id")) {
            throw BotApiException.badRequest("MESSAGE_ID_INVALID");
        }
        long messageId = p.longValue("message_id", 0);
        if (!p.has("chat_id") && messageId == 0) {
            throw BotApiException.badRequest("message identifier is not specified");
        }
        Conversation chat = chats.resolve(bot, p.string("chat_id"), true);
        checkLength(text);
        ObjectNode original = chat.log().get((int) messageId);
        if (original == null) {
            throw BotApiException.badRequest("message to edit not found");
        }
        if (original.path("from").path("id").asLong() != bot.id()) {
            throw BotApiException.badRequest("message can't be edited");
        }
        if (!original.has("text")) {
            throw BotApiException.badRequest("there is no text in the message to edit");
        }
        ObjectNode edited = original.deepCopy();
        putFormatted(edited, "text", "entities", text);
        if (markup != null && markup.has("inline_keyboard")) {
            edited.set("reply_markup", markup);
        } else {
            edited.remove("reply_markup"); // editing without reply_markup removes the inline keyboard
        }
        if (edited.equals(original)) {
            throw BotApiException.badRequest("message is not modified: specified new message content and reply"
                    + " markup are exactly the same as a current content and reply markup of the message");
        }
        edited.put("edit_date", Instant.now().getEpochSecond());
        chat.log().replace((int) messageId, edited);
        sentLog.record(new SentMessage(bot.id(), chat.chatId(), (int) messageId, Action.EDITED, Kind.TEXT,
                text.text(), p.string("parse_mode"), markup == null ? null : Json.write(markup), null, null, false,
                Instant.now()));
        return Result.of(edited);
    }

    private Result deleteMessage(EmulatedBot bot, RequestParams p) throws BotApiException {
        Conversation chat = chats.resolve(bot, p.string("chat_id"), true);
        int messageId = (int) p.longValue("message_id", 0);
        ObjectNode original = chat.log().get(messageId);
        if (original == null) {
            throw BotApiException.badRequest("message to delete not found");
        }
        if (chat.group() && original.path("from").path("id").asLong() != bot.id()) {
            throw BotApiException.badRequest("message can't be deleted for everyone");
        }
        chat.log().remove(messageId);
        sentLog.record(new SentMessage(bot.id(), chat.chatId(), messageId, Action.DELETED, kindOf(original), null,
                null, null, null, null, false, Instant.now()));
        return Result.TRUE;
    }

    // ---- Other methods ----

    private Result answerCallbackQuery(EmulatedBot bot, RequestParams p) throws BotApiException {
        CallbackAnswer answer = new CallbackAnswer(p.string("text"), p.bool("show_alert"), p.string("url"));
        if (!chats.answer(bot, p.string("callback_query_id"), answer)) {
            throw BotApiException.badRequest("query is too old and response timeout expired or query ID is invalid");
        }
        return Result.TRUE;
    }

    private Result sendChatAction(EmulatedBot bot, RequestParams p) throws BotApiException {
        String action = p.string("action");
        if (action == null || !CHAT_ACTIONS.contains(action.toLowerCase(Locale.ROOT))) {
            throw BotApiException.badRequest("wrong parameter action in request");
        }
        chats.resolve(bot, p.string("chat_id"), true);
        return Result.TRUE;
    }

    private Result getFile(RequestParams p) throws BotApiException {
        FileStore.StoredFile file = files.byId(p.string("file_id"));
        if (file == null) {
            throw BotApiException.badRequest("invalid file_id");
        }
        if (file.size() > FileStore.MAX_DOWNLOAD_SIZE) {
            throw BotApiException.badRequest("file is too big");
        }
        return Result.of(file.toJson().put("file_path", file.path()));
    }

    private Result setMyCommands(EmulatedBot bot, RequestParams p) throws BotApiException {
        JsonNode commands;
        try {
            commands = p.json("commands");
        } catch (IllegalArgumentException e) {
            throw BotApiException.badRequest("can't parse commands JSON object");
        }
        if (commands == null) {
            throw BotApiException.badRequest("can't parse commands JSON object");
        }
        if (!commands.isArray()) {
            throw BotApiException.badRequest("expected an Array of BotCommand");
        }
        ArrayNode stored = Json.array();
        for (JsonNode command : commands) {
            String name = command.path("command").asString("");
            String description = command.path("description").asString("");
            if (!COMMAND.matcher(name).matches()) {
                throw BotApiException.badRequest("BOT_COMMAND_INVALID");
            }
            if (description.isEmpty() || description.length() > 256) {
                throw BotApiException.badRequest("BOT_COMMAND_DESCRIPTION_INVALID");
            }
            stored.addObject().put("command", name).put("description", description);
        }
        bot.commands.put(commandScope(p), stored);
        return Result.TRUE;
    }

    private Result getMyCommands(EmulatedBot bot, RequestParams p) {
        return Result.of(bot.commands.getOrDefault(commandScope(p), Json.array()));
    }

    /** Commands are kept per scope (type, chat, user) and language, as Telegram keeps them. */
    private static String commandScope(RequestParams p) {
        JsonNode scope;
        try {
            scope = p.json("scope");
        } catch (IllegalArgumentException e) {
            scope = null;
        }
        String type = scope == null ? "default" : scope.path("type").asString("default");
        String chat = scope == null ? "" : scope.path("chat_id").asString("");
        String user = scope == null ? "" : scope.path("user_id").asString("");
        String language = p.string("language_code") == null ? "" : p.string("language_code");
        return type + "|" + chat + "|" + user + "|" + language;
    }

    // ---- Shared checks ----

    private static Entities.Formatted messageText(RequestParams p) throws BotApiException {
        String text = p.string("text");
        if (text == null || text.isEmpty()) {
            throw BotApiException.badRequest("message text is empty");
        }
        return Entities.format(text, p.string("parse_mode"), jsonOrNull(p, "entities"));
    }

    /** The length rule applies to the text after entity parsing, in UTF-16 code units. */
    private static void checkLength(Entities.Formatted text) throws BotApiException {
        if (text.text().isBlank()) {
            throw BotApiException.badRequest("message text is empty");
        }
        if (text.text().length() > MAX_TEXT_LENGTH) {
            throw BotApiException.badRequest("message is too long");
        }
    }

    private static void putFormatted(ObjectNode message, String textField, String entitiesField,
                                     Entities.Formatted formatted) {
        message.put(textField, formatted.text());
        if (formatted.entities().isEmpty()) {
            message.remove(entitiesField);
        } else {
            message.set(entitiesField, formatted.entities());
        }
    }

    /** Checks reply_markup the way Telegram does and returns it as sent, or null when absent. */
    private static JsonNode replyMarkup(RequestParams p) throws BotApiException {
        JsonNode markup;
        try {
            markup = p.json("reply_markup");
        } catch (IllegalArgumentException e) {
            throw BotApiException.badRequest("can't parse reply keyboard markup JSON object");
        }
        if (markup == null) {
            return null;
        }
        if (!markup.isObject()) {
            throw BotApiException.badRequest("object expected as reply markup");
        }
        if (markup.has("inline_keyboard")) {
            checkRows(markup.get("inline_keyboard"),
                    "field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array of Arrays");
            for (JsonNode row : markup.get("inline_keyboard")) {
                for (JsonNode button : row) {
                    checkInlineButton(button);
                }
            }
        }
        if (markup.has("keyboard")) {
            checkRows(markup.get("keyboard"), "field \"keyboard\" must be an Array of Arrays");
            for (JsonNode row : markup.get("keyboard")) {
                for (JsonNode button : row) {
                    if (!button.isString() && !(button.isObject() && button.path("text").isString())) {
                        throw BotApiException.badRequest(
                                "can't parse keyboard button: KeyboardButton must be a String or an Object");
                    }
                }
            }
        }
        return markup;
    }

    private static void checkRows(JsonNode rows, String error) throws BotApiException {
        if (!rows.isArray()) {
            throw BotApiException.badRequest(error);
        }
        for (JsonNode row : rows) {
            if (!row.isArray()) {
                throw BotApiException.badRequest(error);
            }
        }
    }

    private static void checkInlineButton(JsonNode button) throws BotApiException {
        if (!button.isObject()) {
            throw BotApiException.badRequest(
                    "can't parse inline keyboard button: InlineKeyboardButton must be an Object");
        }
        if (!button.path("text").isString()) {
            throw BotApiException.badRequest("can't parse inline keyboard button: Field \"text\" must be of type String");
        }
        boolean hasAction = button.propertyNames().stream().anyMatch(name -> INLINE_BUTTON_ACTIONS.contains(name)
                && !(button.get(name).isString() && button.get(name).stringValue().isEmpty()));
        if (!hasAction) {
            throw BotApiException.badRequest(
                    "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
        }
        JsonNode data = button.get("callback_data");
        if (data != null && data.asString("").getBytes(StandardCharsets.UTF_8).length > 64) {
            throw BotApiException.badRequest("BUTTON_DATA_INVALID");
        }
    }

    /** The message replied to, from reply_parameters or the older reply_to_message_id. */
    private static ObjectNode replyTarget(Conversation chat, RequestParams p) throws BotApiException {
        JsonNode parameters;
        try {
            parameters = p.json("reply_parameters");
        } catch (IllegalArgumentException e) {
            throw BotApiException.badRequest("can't parse reply parameters JSON object");
        }
        long messageId;
        boolean allowWithoutReply;
        if (parameters != null && parameters.isObject()) {
            messageId = parameters.path("message_id").asLong(0);
            allowWithoutReply = parameters.path("allow_sending_without_reply").asBoolean(false);
        } else {
            messageId = p.longValue("reply_to_message_id", 0);
            allowWithoutReply = p.bool("allow_sending_without_reply");
        }
        if (messageId == 0) {
            return null;
        }
        ObjectNode original = chat.log().get((int) messageId);
        if (original == null) {
            if (allowWithoutReply) {
                return null;
            }
            throw BotApiException.badRequest("message to be replied not found");
        }
        ObjectNode quoted = original.deepCopy();
        quoted.remove("reply_to_message");
        return quoted;
    }

    /**
     * The file a send method names: an upload, an HTTP URL (not fetched: the emulator is offline) or the
     * file_id of a file the emulator knows.
     */
    private FileStore.StoredFile inputFile(Kind kind, String reference, RequestParams.Upload upload)
            throws BotApiException {
        String folder = switch (kind) {
            case PHOTO -> "photos";
            case AUDIO -> "music";
            case VIDEO -> "videos";
            case VOICE -> "voice";
            case STICKER -> "stickers";
            default -> "documents";
        };
        if (upload != null) {
            String name = upload.fileName();
            int dot = name.lastIndexOf('.');
            return files.add(folder, dot < 0 ? "bin" : name.substring(dot + 1), upload.bytes().length, upload.bytes());
        }
        if (reference.startsWith("http://") || reference.startsWith("https://")) {
            return files.add(folder, "bin", 1_024, null);
        }
        FileStore.StoredFile known = files.byId(reference);
        if (known == null) {
            throw BotApiException.badRequest("wrong file identifier/HTTP URL specified");
        }
        return known;
    }

    private static String fileName(String reference, RequestParams.Upload upload, String fallback) {
        if (upload != null) {
            return upload.fileName();
        }
        try {
            String path = reference.startsWith("http") ? new URI(reference).getPath() : null;
            return path == null || path.isEmpty() || path.endsWith("/") ? fallback
                    : path.substring(path.lastIndexOf('/') + 1);
        } catch (URISyntaxException e) {
            return fallback;
        }
    }

    private static Kind kindOf(ObjectNode message) {
        for (Kind kind : Kind.values()) {
            if (kind != Kind.TEXT && message.has(kind.name().toLowerCase(Locale.ROOT))) {
                return kind;
            }
        }
        return Kind.TEXT;
    }

    private static JsonNode jsonOrNull(RequestParams p, String name) {
        try {
            return p.json(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String required(RequestParams p, String name) throws BotApiException {
        String value = p.string(name);
        if (value == null || value.isEmpty()) {
            throw BotApiException.badRequest("parameter \"" + name + "\" is required");
        }
        return value;
    }

    private static double parseDouble(String text) {
        try {
            return Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
