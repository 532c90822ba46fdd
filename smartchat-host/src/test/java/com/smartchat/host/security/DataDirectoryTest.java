package com.smartchat.host.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.smartchat.host.SmartChatHostApplication;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.bootstrap.DefaultBootstrapContext;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * The embedded default's data directory (database and master key) is readable by the host's account alone: a host
 * started on a new directory creates it {@code rwx------} with every file {@code rw-------}, and a host started on a
 * directory someone left open closes it, files included; hosts starting together on a new directory all go on.
 * Starts the real application on an H2 file database.
 */
class DataDirectoryTest {

    @TempDir
    Path parent;

    @Test
    void aNewDataDirectoryAndEverythingInItIsTheOwnersAlone() throws IOException {
        assumePosix();
        Path data = parent.resolve("new/data");

        Map<String, String> permissions = startAndStop(data);

        assertThat(permissions).containsKeys("master.key", "smartchat.mv.db")
                .allSatisfy((path, mode) -> assertThat(mode).as(path).isEqualTo(path.equals(".") ? "rwx------"
                        : "rw-------"));
    }

    @Test
    void anExistingOpenDataDirectoryIsClosedFilesIncluded() throws IOException {
        assumePosix();
        Path data = parent.resolve("open");
        Files.createDirectories(data, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.writeString(data.resolve("notes.txt"), "left behind by an earlier version");
        Files.setPosixFilePermissions(data.resolve("notes.txt"), PosixFilePermissions.fromString("rw-rw-rw-"));
        Files.createDirectory(data.resolve("backup"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxr-x")));
        Files.writeString(data.resolve("backup/old.sql"), "select 1;");
        Files.setPosixFilePermissions(data.resolve("backup/old.sql"), PosixFilePermissions.fromString("rw-r--r--"));

        Map<String, String> permissions = startAndStop(data);

        assertThat(permissions).containsKeys("master.key", "smartchat.mv.db", "notes.txt", "backup/old.sql")
                .allSatisfy((path, mode) -> assertThat(mode).as(path).isEqualTo(
                        path.equals(".") || path.equals("backup") ? "rwx------" : "rw-------"));
    }

    /** Hosts starting at once on a directory none of them finds: each goes on, and the directory is the owner's. */
    @Test
    void hostsStartingTogetherAllCreateTheSameDirectory() throws Exception {
        assumePosix();
        int hosts = 32;
        SpringApplication application = new SpringApplication();
        try (ExecutorService threads = Executors.newFixedThreadPool(hosts)) {
            for (int round = 0; round < 50; round++) {
                Path data = parent.resolve("round-" + round + "/data");
                StandardEnvironment environment = new StandardEnvironment();
                environment.getPropertySources().addFirst(new MapPropertySource("test",
                        Map.of(DataDirectory.DATA_DIR, data.toString())));
                ApplicationEnvironmentPreparedEvent prepared = new ApplicationEnvironmentPreparedEvent(
                        new DefaultBootstrapContext(), application, new String[0], environment);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> started = new ArrayList<>();
                for (int i = 0; i < hosts; i++) {
                    started.add(threads.submit(() -> {
                        go.await();
                        new DataDirectory().onApplicationEvent(prepared);
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> host : started) {
                    host.get();
                }
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
            }
        }
    }

    /** Starts the host on an H2 file database in the directory, and reads the permissions while it runs. */
    private static Map<String, String> startAndStop(Path data) throws IOException {
        try (ConfigurableApplicationContext host = new SpringApplicationBuilder(SmartChatHostApplication.class).run(
                "--server.port=0",
                "--smartchat.data-dir=" + data,
                "--spring.datasource.url=jdbc:h2:file:" + data + "/smartchat;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                        + "DEFAULT_NULL_ORDERING=HIGH",
                "--spring.datasource.username=sa", "--spring.datasource.password=")) {
            assertThat(host.isRunning()).isTrue();
            Map<String, String> permissions = permissions(data);
            System.out.println("Data directory while the host runs: " + permissions);
            return permissions;
        }
    }

    private static Map<String, String> permissions(Path data) throws IOException {
        Map<String, String> found = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(data)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                String name = data.relativize(path).toString();
                found.put(name.isEmpty() ? "." : name,
                        PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
            }
        }
        return found;
    }

    private void assumePosix() throws IOException {
        Assumptions.assumeTrue(Files.getFileStore(parent).supportsFileAttributeView(PosixFileAttributeView.class),
                "the file system has POSIX permissions");
    }
}
