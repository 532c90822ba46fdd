package com.smartchat.host.crash;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A host process that cannot start says why in the failure itself: a CI run keeps the output, not the log file. */
class HostProcessTest {

    @TempDir
    Path dir;

    @Test
    void aHostThatExitsAtStartSaysWhatThisStartLogged() throws Exception {
        Path log = dir.resolve("host.log");
        Files.write(log, new byte[] {'e', 'a', 'r', 'l', 'i', 'e', 'r', ' ', (byte) 0xff, '\n'}); // not UTF-8
        HostProcess host = new HostProcess(dir.resolve("no-such-host.jar"), log, 1, List.of());

        assertThatThrownBy(() -> host.start(Duration.ofSeconds(30)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("The host exited with 1")
                .hasMessageContaining("no-such-host.jar") // the JVM's own words: it cannot open the jar
                .hasMessageNotContaining("earlier"); // an earlier start's lines are not this start's
    }
}
