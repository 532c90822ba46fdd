package com.smartchat.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import com.smartchat.channel.spi.ChannelProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class PackagingTest {

    @Test
    void serviceLoaderFindsTheProvider() {
        assertThat(ServiceLoader.load(ChannelProvider.class).stream().map(ServiceLoader.Provider::type).toList())
                .contains(TelegramChannelProvider.class);
    }

    @Test
    void pluginCodeUsesNoSpringType() throws IOException {
        Path classes = Path.of("target", "classes", "com", "smartchat", "telegram");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(classes)) {
            files = walk.filter(path -> path.toString().endsWith(".class")).toList();
        }
        assertThat(files).isNotEmpty();
        for (Path file : files) {
            assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1))
                    .as(file.toString()).doesNotContain("org/springframework");
        }
    }
}
