package com.smartchat.telegram.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

class MediaTest extends EmulatorTestBase {

    @BeforeEach
    void aliceStartsTheBot() {
        alice.start(bot);
    }

    @Test
    void aPhotoFromAUserCanBeSentBackByFileId() {
        alice.sendPhoto(bot, "my cat");
        JsonNode received = ok("getUpdates", "offset", -1).get(0).get("message");
        assertThat(received.get("caption").asString()).isEqualTo("my cat");
        assertThat(received.get("photo")).hasSize(2);
        String fileId = received.at("/photo/1/file_id").asString();

        JsonNode sent = ok("sendPhoto", "chat_id", alice.id(), "photo", fileId, "caption", "*nice*",
                "parse_mode", "MarkdownV2");

        assertThat(sent.at("/photo/0/file_id").asString()).isEqualTo(fileId);
        assertThat(sent.get("caption").asString()).isEqualTo("nice");
        assertThat(sent.at("/caption_entities/0/type").asString()).isEqualTo("bold");
        SentMessage recorded = telegram.sentTo(alice, bot).getFirst();
        assertThat(recorded.kind()).isEqualTo(SentMessage.Kind.PHOTO);
        assertThat(recorded.fileId()).isEqualTo(fileId);
        assertThat(recorded.text()).isEqualTo("nice");
    }

    @Test
    void aPhotoWithRealBytesServesThemAndUploadsCanBeReadBack() {
        byte[] image = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};
        alice.sendPhoto(bot, null, image);
        JsonNode photo = ok("getUpdates", "offset", -1).get(0).at("/message/photo/0");
        String path = ok("getFile", "file_id", photo.get("file_id").asString()).get("file_path").asString();

        assertThat(api.download("/file/bot" + bot.token() + "/" + path).body()).isEqualTo(image);
        assertThat(photo.get("file_size").asLong()).isEqualTo(image.length);

        BotApiClient.Response upload = api.multipart(bot.token(), "sendPhoto",
                Map.of("chat_id", Long.toString(alice.id())), "photo", "cat.png", image);
        assertThat(upload.status()).as(upload.text()).isEqualTo(200);
        assertThat(telegram.fileContent(telegram.sentTo(alice, bot).getLast().fileId())).isEqualTo(image);
        assertThat(telegram.fileContent("no-such-file")).isNull();
    }

    @Test
    void mediaCanBeSentByUrl() {
        JsonNode sent = ok("sendPhoto", "chat_id", alice.id(), "photo", "https://example.org/cat.jpg");

        assertThat(sent.at("/photo/0/file_id").asString()).isNotEmpty();
    }

    @Test
    void unknownFileIdsAndMissingMediaAreRejected() {
        assertThat(error("sendPhoto", "chat_id", alice.id(), "photo", "no-such-file").description())
                .isEqualTo("Bad Request: wrong file identifier/HTTP URL specified");
        assertThat(error("sendPhoto", "chat_id", alice.id()).description())
                .isEqualTo("Bad Request: there is no photo in the request");
    }

    @Test
    void captionOver1024CharactersIsTooLong() {
        assertThat(error("sendPhoto", "chat_id", alice.id(), "photo", "https://example.org/a.jpg",
                "caption", "x".repeat(1025)).description()).isEqualTo("Bad Request: message caption is too long");
        ok("sendPhoto", "chat_id", alice.id(), "photo", "https://example.org/a.jpg", "caption", "x".repeat(1024));
    }

    @Test
    void uploadedDocumentCanBeDownloadedThroughGetFile() {
        byte[] content = "quarterly numbers".getBytes(StandardCharsets.UTF_8);
        BotApiClient.Response upload = api.multipart(bot.token(), "sendDocument",
                Map.of("chat_id", Long.toString(alice.id()), "document", "attach://report.txt",
                        "reply_markup", "{\"inline_keyboard\":[[{\"text\":\"Open\",\"url\":\"https://example.org\"}]]}"),
                "report.txt", "report.txt", content);
        assertThat(upload.status()).as(upload.text()).isEqualTo(200);
        assertThat(upload.result().at("/document/file_name").asString()).isEqualTo("report.txt");
        String fileId = upload.result().at("/document/file_id").asString();

        JsonNode file = ok("getFile", "file_id", fileId);
        HttpResponse<byte[]> download = api.download("/file/bot" + bot.token() + "/" + file.get("file_path").asString());

        assertThat(file.get("file_size").asLong()).isEqualTo(content.length);
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(content);
    }

    @Test
    void aDirectFilePartWithoutAttachReferenceIsAcceptedToo() {
        BotApiClient.Response upload = api.multipart(bot.token(), "sendVoice",
                Map.of("chat_id", Long.toString(alice.id()), "duration", "3"), "voice", "note.oga", new byte[] {1, 2});

        assertThat(upload.status()).as(upload.text()).isEqualTo(200);
        assertThat(upload.result().at("/voice/duration").asInt()).isEqualTo(3);
    }

    @Test
    void documentsUsersSendServeBytesOfTheirSize() {
        alice.sendDocument(bot, "report.pdf", "application/pdf", 1234);
        JsonNode document = ok("getUpdates", "offset", -1).get(0).at("/message/document");
        assertThat(document.get("file_name").asString()).isEqualTo("report.pdf");
        assertThat(document.get("mime_type").asString()).isEqualTo("application/pdf");

        String path = ok("getFile", "file_id", document.get("file_id").asString()).get("file_path").asString();

        assertThat(api.download("/file/bot" + bot.token() + "/" + path).body()).hasSize(1234);
        assertThat(api.download("/file/bot" + bot.token() + "/documents/none.pdf").statusCode()).isEqualTo(404);
        assertThat(api.download("/file/bot" + bot.id() + ":AAwrongwrongwrongwrongwrongwrongwro/" + path)
                .statusCode()).isEqualTo(401);
    }

    @Test
    void filesOver20MegabytesCannotBeDownloaded() {
        alice.sendDocument(bot, "video.mkv", "video/x-matroska", 30L << 20);
        String fileId = ok("getUpdates", "offset", -1).get(0).at("/message/document/file_id").asString();

        assertThat(error("getFile", "file_id", fileId).description()).isEqualTo("Bad Request: file is too big");
        assertThat(error("getFile", "file_id", "nope").description()).isEqualTo("Bad Request: invalid file_id");
    }

    @Test
    void everyMediaKindCanBeSent() {
        String url = "https://example.org/file";
        assertThat(ok("sendAudio", "chat_id", alice.id(), "audio", url + ".mp3", "duration", 61)
                .at("/audio/duration").asInt()).isEqualTo(61);
        assertThat(ok("sendVideo", "chat_id", alice.id(), "video", url + ".mp4").has("video")).isTrue();
        assertThat(ok("sendVoice", "chat_id", alice.id(), "voice", url + ".oga").has("voice")).isTrue();
        assertThat(ok("sendSticker", "chat_id", alice.id(), "sticker", url + ".webp").at("/sticker/type").asString())
                .isEqualTo("regular");
        assertThat(ok("sendDocument", "chat_id", alice.id(), "document", url + "/terms.pdf")
                .at("/document/file_name").asString()).isEqualTo("terms.pdf");
        assertThat(ok("sendLocation", "chat_id", alice.id(), "latitude", 52.52, "longitude", 13.405)
                .at("/location/latitude").asDouble()).isEqualTo(52.52);
        assertThat(ok("sendContact", "chat_id", alice.id(), "phone_number", "+4930123", "first_name", "Bob")
                .at("/contact/first_name").asString()).isEqualTo("Bob");

        assertThat(telegram.sentTo(alice, bot)).extracting(SentMessage::kind).containsExactly(
                SentMessage.Kind.AUDIO, SentMessage.Kind.VIDEO, SentMessage.Kind.VOICE, SentMessage.Kind.STICKER,
                SentMessage.Kind.DOCUMENT, SentMessage.Kind.LOCATION, SentMessage.Kind.CONTACT);
        assertThat(error("sendLocation", "chat_id", alice.id(), "longitude", 1).description())
                .isEqualTo("Bad Request: latitude is empty");
        assertThat(error("sendContact", "chat_id", alice.id(), "first_name", "Bob").description())
                .isEqualTo("Bad Request: parameter \"phone_number\" is required");
    }

    @Test
    void everyMediaKindCanBeReceivedFromUsers() {
        alice.sendAudio(bot, "song.mp3", 180);
        alice.sendVoice(bot, 4);
        alice.sendVideo(bot, "clip", 10);
        alice.sendSticker(bot, "👍");
        alice.sendLocation(bot, 48.85, 2.35);
        alice.sendContact(bot, "+331234", "Claire");

        JsonNode updates = ok("getUpdates", "offset", -6);

        assertThat(updates.get(0).at("/message/audio/duration").asInt()).isEqualTo(180);
        assertThat(updates.get(1).at("/message/voice/mime_type").asString()).isEqualTo("audio/ogg");
        assertThat(updates.get(2).at("/message/caption").asString()).isEqualTo("clip");
        assertThat(updates.get(3).at("/message/sticker/emoji").asString()).isEqualTo("👍");
        assertThat(updates.get(4).at("/message/location/longitude").asDouble()).isEqualTo(2.35);
        assertThat(updates.get(5).at("/message/contact/phone_number").asString()).isEqualTo("+331234");
    }
}
