package com.smartchat.host.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.event.SpringApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;

/**
 * Keeps the data directory ({@code smartchat.data-dir}: the embedded database, the generated master key) readable by
 * the host's own account only: the directory {@code rwx------}, everything in it {@code rw-------}.
 *
 * <p>Runs as soon as the configuration is read, before any bean (so before the database opens): creates the
 * directory with owner-only permissions, or tightens an existing one and whatever it holds. Once the host is ready it
 * tightens again, for the files the database created meanwhile (H2 creates them with the process's umask, often
 * {@code rw-r--r--}). Files it creates later (H2's temporary and compaction files) are covered by the directory
 * itself: nobody else may enter it, whatever a file's own mode says. Where the file system has no POSIX permissions
 * (Windows), it logs a warning and the operator restricts the directory with the system's own means.
 *
 * <p>Registered in {@code META-INF/spring.factories}.
 */
public class DataDirectory implements ApplicationListener<SpringApplicationEvent> {

    /** The setting that names the directory. */
    public static final String DATA_DIR = "smartchat.data-dir";

    private static final Logger log = LoggerFactory.getLogger(DataDirectory.class);
    private static final Set<PosixFilePermission> OWNER_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");

    @Override
    public void onApplicationEvent(SpringApplicationEvent event) {
        if (event instanceof ApplicationEnvironmentPreparedEvent prepared) {
            secure(prepared.getEnvironment(), true);
        } else if (event instanceof ApplicationReadyEvent ready) {
            secure(ready.getApplicationContext().getEnvironment(), false);
        }
    }

    private static void secure(Environment environment, boolean create) {
        String configured = environment.getProperty(DATA_DIR);
        if (configured == null || configured.isBlank()) {
            return;
        }
        Path directory = Path.of(configured).toAbsolutePath().normalize();
        try {
            if (create && !Files.exists(directory)) {
                createOwnerOnly(directory);
            }
            if (!Files.isDirectory(directory)) {
                return; // nothing to protect yet; whoever needs it fails with a clear message of their own
            }
            if (!Files.getFileStore(directory).supportsFileAttributeView(PosixFileAttributeView.class)) {
                if (create) {
                    log.warn("The data directory {} is on a file system without POSIX permissions: make sure only "
                            + "the account that runs the host can read it (it holds the database and the master key)",
                            directory);
                }
                return;
            }
            tighten(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create or protect the data directory " + directory
                    + " (" + DATA_DIR + ")", e);
        }
    }

    /**
     * Creates the directory and any missing parents; the directory itself gets owner-only permissions at birth. Another
     * host starting at the same moment may create it first: then it is theirs as well, and tightened next.
     */
    private static void createOwnerOnly(Path directory) throws IOException {
        Files.createDirectories(directory.getParent());
        try {
            Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_DIRECTORY));
        } catch (UnsupportedOperationException e) {
            Files.createDirectory(directory);
        } catch (FileAlreadyExistsException e) {
            // created by the other host meanwhile
        }
    }

    private static void tighten(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                if (Files.isSymbolicLink(path)) {
                    continue; // its target is not the host's to change
                }
                Set<PosixFilePermission> wanted = Files.isDirectory(path) ? OWNER_DIRECTORY : OWNER_FILE;
                try {
                    Set<PosixFilePermission> current = Files.getPosixFilePermissions(path);
                    if (!current.equals(wanted)) {
                        Files.setPosixFilePermissions(path, wanted);
                        log.info("Restricted {} to its owner ({} was {})", path,
                                PosixFilePermissions.toString(wanted), PosixFilePermissions.toString(current));
                    }
                } catch (NoSuchFileException gone) {
                    // a temporary file the database removed meanwhile
                } catch (IOException e) {
                    log.warn("Cannot restrict {} to its owner ({}): {}", path, PosixFilePermissions.toString(wanted),
                            e.toString());
                }
            }
        }
    }
}
