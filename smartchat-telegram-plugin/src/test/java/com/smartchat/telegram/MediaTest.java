package com.smartchat.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.smartchat.channel.spi.Attachment;
import com.smartchat.channel.spi.AttachmentContent;
import com.smartchat.channel.spi.Channel;
import com.smartchat.channel.spi.ChannelException;
import com.smartchat.channel.spi.FailureKind;
import com.smartchat.channel.spi.InboundEvent;
import com.smartchat.channel.spi.OutboundMessage;
import com.smartchat.channel.tck.TestChannelContext;
import com.smartchat.telegram.emulator.BotApiEmulator;
import com.smartchat.telegram.emulator.EmulatedBot;
import com.smartchat.telegram.emulator.EmulatedUser;
import com.smartchat.telegram.emulator.SentMessage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Files both ways: fetching what users sent (getFile and the download), uploading what agents attach. */
class MediaTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final byte[] IMAGE = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 1, 2, 3};

    private static BotApiEmulator telegram;
    private EmulatedBot bot;
    private EmulatedUser alice;
    private TestChannelContext context;
    private Channel channel;

    @BeforeAll
    static void startTelegram() {
        telegram = TelegramTests.emulator();
    }

    @AfterAll
    static void stopTelegram() {
        telegram.close();
    }

    @BeforeEach
    void startChannel() throws Exception {
        bot = TelegramTests.bot(telegram);
        alice = telegram.createUser("Alice", "alice", "en");
        context = new TestChannelContext(TelegramTests.settings(telegram, bot.token()));
        channel = new TelegramChannelProvider().open(context);
        channel.start();
    }

    @AfterEach
    void stopChannel() throws Exception {
        channel.stop();
        context.close();
    }

    private Attachment received(int count) throws InterruptedException {
        var events = context.awaitEvents(count, WAIT);
        return ((InboundEvent.MessageReceived) events.get(count - 1)).attachments().getFirst();
    }

    @Test
    void aPhotoAUserSentIsFetchedWithItsBytesAndAPreviewReference() throws Exception {
        alice.sendPhoto(bot, "my cat", IMAGE);
        Attachment photo = received(1);

        try (AttachmentContent content = channel.fetchAttachment(photo.reference(), 1 << 20)) {
            assertThat(content.stream().readAllBytes()).isEqualTo(IMAGE);
            assertThat(content.mediaType()).isEqualTo("image/jpeg");
            assertThat(content.length()).isEqualTo(IMAGE.length);
        }
        assertThat(photo.details()).containsKey("thumbnail");
        try (AttachmentContent preview = channel.fetchAttachment(photo.details().get("thumbnail"), 1 << 20)) {
            assertThat(preview.stream().readAllBytes()).isEqualTo(IMAGE);
        }
    }

    @Test
    void aFileOverTheLimitOrUnknownIsRefusedTyped() throws Exception {
        alice.sendDocument(bot, "big.pdf", "application/pdf", 5000);
        Attachment document = received(1);

        ChannelException tooLarge = catchThrowableOfType(ChannelException.class,
                () -> channel.fetchAttachment(document.reference(), 4000));
        ChannelException unknown = catchThrowableOfType(ChannelException.class,
                () -> channel.fetchAttachment("no-such-file", 4000));

        assertThat(tooLarge.kind()).isEqualTo(FailureKind.TOO_LARGE);
        assertThat(tooLarge.getMessage()).contains("3 KB").doesNotContain(bot.token());
        assertThat(unknown.kind()).isEqualTo(FailureKind.INVALID_REQUEST);
        assertThat(unknown.getMessage()).doesNotContain(bot.token());
    }

    @Test
    void overTwentyMegabytesTelegramRefusesTheDownload() throws Exception {
        alice.sendDocument(bot, "film.mkv", "video/x-matroska", 30L << 20);
        Attachment film = received(1);

        ChannelException refused = catchThrowableOfType(ChannelException.class,
                () -> channel.fetchAttachment(film.reference(), Long.MAX_VALUE));

        assertThat(refused.kind()).isEqualTo(FailureKind.TOO_LARGE);
        assertThat(refused.getMessage()).contains("20 MB");
    }

    @Test
    void aChannelOpenedAndNeverStartedFetchesToo() throws Exception {
        alice.sendDocument(bot, "notes.txt", "text/plain", 10);
        Attachment document = received(1);
        try (TestChannelContext otherHost = new TestChannelContext(TelegramTests.settings(telegram, bot.token()))) {
            Channel unstarted = new TelegramChannelProvider().open(otherHost);
            try (AttachmentContent content = unstarted.fetchAttachment(document.reference(), 1000)) {
                assertThat(content.stream().readAllBytes()).hasSize(10);
            }
            unstarted.stop();
        }
    }

    @Test
    void anAgentsPhotoAndDocumentAreUploadedWithTheirBytes() throws Exception {
        alice.send(bot, "hello");
        context.awaitEvents(1, WAIT);
        String chat = String.valueOf(alice.id());
        byte[] pdf = "%PDF-1.4 numbers".getBytes();

        channel.send(OutboundMessage.upload(chat, "Here it is",
                new Attachment(Attachment.Kind.PHOTO, null, "image/png", IMAGE.length, "cat.png", null, Map.of()),
                new AttachmentContent(new ByteArrayInputStream(IMAGE), "image/png", IMAGE.length, "cat.png")))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        channel.send(OutboundMessage.upload(chat, null,
                        new Attachment(Attachment.Kind.DOCUMENT, null, "application/pdf", pdf.length, "report.pdf",
                                null, Map.of()),
                        new AttachmentContent(new ByteArrayInputStream(pdf), "application/pdf", pdf.length, "report.pdf")))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);

        var sent = telegram.awaitSent(alice, bot, 2, WAIT);
        SentMessage photo = sent.get(0);
        SentMessage document = sent.get(1);
        assertThat(photo.kind()).isEqualTo(SentMessage.Kind.PHOTO);
        assertThat(photo.text()).isEqualTo("Here it is");
        assertThat(telegram.fileContent(photo.fileId())).isEqualTo(IMAGE);
        assertThat(document.kind()).isEqualTo(SentMessage.Kind.DOCUMENT);
        assertThat(telegram.fileContent(document.fileId())).isEqualTo(pdf);
    }
}
