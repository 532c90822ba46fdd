package com.smartchat.telegram;

import com.smartchat.channel.spi.AttachmentContent;
import com.smartchat.channel.spi.ChannelException;
import com.smartchat.channel.spi.FailureKind;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.telegram.telegrambots.client.okhttp.OkHttpTelegramClient;
import org.telegram.telegrambots.meta.api.methods.GetFile;
import org.telegram.telegrambots.meta.api.objects.File;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;

/**
 * Fetches a file a user sent: {@code getFile} for its path, then the download from {@code <api-url>/file/bot<token>/
 * <path>}. That address contains the token, so it lives only in this method: never in a message, a log or an
 * answer. Works on a channel that never started, because it needs only the settings.
 */
final class FileFetcher {

    /** Telegram's limit for downloads through the public Bot API. */
    static final long TELEGRAM_LIMIT = 20L << 20;

    /** Media types of the extensions Telegram's file paths carry; its file server answers octet-stream. */
    private static final Map<String, String> MEDIA_TYPES = Map.of(
            "jpg", "image/jpeg", "jpeg", "image/jpeg", "png", "image/png", "webp", "image/webp",
            "oga", "audio/ogg", "ogg", "audio/ogg", "mp3", "audio/mpeg", "mp4", "video/mp4", "pdf", "application/pdf",
            "webm", "video/webm");

    private FileFetcher() {
    }

    static AttachmentContent fetch(OkHttpClient http, TelegramConfig config, String fileId, long maxBytes)
            throws ChannelException {
        String token = config.rawToken();
        if (fileId == null || fileId.isBlank()) {
            throw new ChannelException(FailureKind.INVALID_REQUEST, "There is no Telegram file_id to fetch.");
        }
        File file;
        try {
            file = new OkHttpTelegramClient(Json.MAPPER, http, token, config.apiUrl())
                    .execute(GetFile.builder().fileId(fileId).build());
        } catch (TelegramApiException e) {
            ChannelException typed = Failures.of(e, token, config.baseUrl());
            if (typed.kind() == FailureKind.INVALID_REQUEST && String.valueOf(typed.getMessage()).contains("too big")) {
                throw tooLarge(TELEGRAM_LIMIT);
            }
            throw typed;
        }
        long limit = Math.min(maxBytes, TELEGRAM_LIMIT);
        if (file.getFileSize() != null && file.getFileSize() > limit) {
            throw tooLarge(limit);
        }
        if (file.getFilePath() == null) {
            throw new ChannelException(FailureKind.TRANSIENT, "Telegram gave no path for the file; try again later.");
        }
        Request download = new Request.Builder().url(config.baseUrl() + "/file/bot" + token + "/" + file.getFilePath())
                .build();
        Response response;
        try {
            response = http.newCall(download).execute();
        } catch (IOException e) {
            throw new ChannelException(FailureKind.TRANSIENT, "Could not download the file from Telegram at "
                    + config.baseUrl() + ": " + Failures.unreachable(e, token) + ".", null, null, null);
        }
        if (!response.isSuccessful() || response.body() == null) {
            int code = response.code();
            response.close();
            throw new ChannelException(code >= 500 ? FailureKind.TRANSIENT : FailureKind.INVALID_REQUEST,
                    "Telegram answered " + code + " to the file's download.");
        }
        long length = response.body().contentLength();
        if (length > limit) {
            response.close();
            throw tooLarge(limit);
        }
        String path = file.getFilePath();
        String extension = path.substring(path.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        return new AttachmentContent(response.body().byteStream(), MEDIA_TYPES.get(extension), length,
                path.substring(path.lastIndexOf('/') + 1));
    }

    private static ChannelException tooLarge(long limit) {
        String most = limit >= 1 << 20 ? (limit >> 20) + " MB" : limit >= 1 << 10 ? (limit >> 10) + " KB" : limit + " bytes";
        return new ChannelException(FailureKind.TOO_LARGE, "The file is larger than " + most
                + ", the most that can be downloaded here.");
    }
}
