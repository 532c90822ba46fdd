package com.smartchat.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class RedactorTest {

    private static final String TOKEN = "110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";

    @Test
    void tokenInABotApiUrlIsMasked() {
        assertThat(Redactor.redact("POST https://api.telegram.org/bot" + TOKEN + "/getMe failed", null))
                .isEqualTo("POST https://api.telegram.org/bot<token>/getMe failed");
    }

    @Test
    void tokenInAFileUrlIsMasked() {
        assertThat(Redactor.redact("https://api.telegram.org/file/bot" + TOKEN + "/photos/1.jpg", null))
                .isEqualTo("https://api.telegram.org/file/bot<token>/photos/1.jpg");
    }

    @Test
    void knownTokenAndItsSecretPartAreMaskedAnywhere() {
        assertThat(Redactor.redact("x" + TOKEN + "y and AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", TOKEN))
                .doesNotContain("AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw");
    }

    @Test
    void redactedExceptionChainKeepsClassesAndStackButNoToken() {
        IOException cause = new IOException("unexpected end of stream on http://h/bot" + TOKEN + "/getUpdates");
        RuntimeException failure = new RuntimeException("call to /bot" + TOKEN + "/getMe", cause);

        Throwable redacted = Redactor.redact(failure, TOKEN);

        assertThat(redacted.getMessage()).startsWith("java.lang.RuntimeException: ").doesNotContain(TOKEN);
        assertThat(redacted.getCause().getMessage()).startsWith("java.io.IOException: ").doesNotContain(TOKEN);
        assertThat(redacted.getStackTrace()).isEqualTo(failure.getStackTrace());
        assertThat(Redactor.describe(failure, TOKEN)).doesNotContain(TOKEN).contains("IOException");
    }
}
