package com.smartchat.host.cluster;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.smartchat.host.SmartChatHostApplication;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * Cluster mode where several hosts cannot work together: the host does not start, and says why and what to do,
 * before it opened a database or a port.
 */
class ClusterModeRefusalTest {

    private static final String KEY = "--smartchat.master-key=MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

    @TempDir
    Path data;

    @Test
    void onTheEmbeddedDatabase() {
        assertThatThrownBy(() -> start("--smartchat.cluster.enabled=true", KEY,
                "--spring.datasource.url=jdbc:h2:file:" + data.resolve("smartchat") + ";MODE=PostgreSQL"))
                .hasMessageContaining("needs the hosts to share one PostgreSQL database, but this host's database is "
                        + "jdbc:h2:file:")
                .hasMessageContaining("Set spring.datasource.url (SPRING_DATASOURCE_URL) to the same jdbc:postgresql:");
    }

    @Test
    void withTheSandbox() {
        assertThatThrownBy(() -> start("--smartchat.cluster.enabled=true", "--smartchat.sandbox.enabled=true", KEY,
                "--spring.datasource.url=jdbc:postgresql://db.invalid/smartchat"))
                .hasMessageContaining("cannot run the sandbox");
    }

    @Test
    void withoutAMasterKeyForAllHosts() {
        assertThatThrownBy(() -> start("--smartchat.cluster.enabled=true",
                "--spring.datasource.url=jdbc:postgresql://db.invalid/smartchat"))
                .hasMessageContaining("needs the same master key on every host")
                .hasMessageContaining("SMARTCHAT_MASTER_KEY");
    }

    @Test
    void withAHostIdThatIsNotAName() {
        assertThatThrownBy(() -> start("--smartchat.cluster.enabled=true", KEY,
                "--spring.datasource.url=jdbc:postgresql://db.invalid/smartchat", "--smartchat.cluster.host-id=a b"))
                .hasMessageContaining("smartchat.cluster.host-id may hold only letters");
    }

    private void start(String... settings) {
        String[] args = new String[settings.length + 2];
        System.arraycopy(settings, 0, args, 0, settings.length);
        args[settings.length] = "--smartchat.data-dir=" + data;
        args[settings.length + 1] = "--server.port=0";
        new SpringApplicationBuilder(SmartChatHostApplication.class).run(args).close();
    }
}
