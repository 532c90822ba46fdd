package com.smartchat.host.sandbox;

import com.smartchat.host.security.SecretCipher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keeps the sandbox in the data directory, so that the README's tour goes on after a restart: the bots with their
 * tokens, BotFather's chats, the audience and their chats, the updates the channels have not taken yet. One file,
 * {@code sandbox.state}, encrypted as a whole with the host's {@link SecretCipher} (the master key that protects the
 * channels' tokens in the database): it holds bot tokens, in BotFather's lines too, so that a copy of the file alone
 * (a backup, a support bundle) gives none away; the data directory's owner-only permissions apply as well.
 *
 * <p>Every change schedules a write of the whole state on one thread (changes that come during a write are in the
 * next one), to a temporary file that is forced to disk and then moved over the old one atomically: a crash at any
 * moment leaves the previous state or the new one, never half of one. The last write happens when the host stops.
 */
final class SandboxStore implements AutoCloseable {

    /** The file's name in the data directory. */
    static final String FILE = "sandbox.state";
    private static final String OWNER = "sandbox-state";
    private static final Logger log = LoggerFactory.getLogger(SandboxStore.class);
    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    /** What the file holds. */
    record Saved(SandboxTelegram.Saved telegram, BotFather.Saved botFather) {
    }

    private final Path file;
    private final SecretCipher cipher;
    private final Saved saved;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("sandbox-store").daemon().factory());
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile SandboxTelegram telegram;
    private volatile BotFather botFather;

    /**
     * Reads the state a previous run left, if any.
     *
     * @param dataDir the data directory, or null to keep nothing (the tests' hosts, whose databases are in memory)
     * @throws IllegalStateException when the file cannot be read or decrypted (another master key)
     */
    SandboxStore(Path dataDir, SecretCipher cipher) {
        this.file = dataDir == null ? null : dataDir.resolve(FILE);
        this.cipher = cipher;
        this.saved = file == null ? null : read(file, cipher);
    }

    /** The state to start from, when there is one. */
    Optional<Saved> saved() {
        return Optional.ofNullable(saved);
    }

    /** From now on, writes what these hold whenever they change. */
    void keep(SandboxTelegram telegram, BotFather botFather) {
        this.telegram = telegram;
        this.botFather = botFather;
        if (saved != null) {
            log.info("Sandbox: {} bots and {} audience members back from {}", saved.telegram().bots().size(),
                    saved.telegram().members().size(), file);
        }
    }

    /** Something changed: writes soon, on the store's thread. */
    void changed() {
        if (file != null && telegram != null && scheduled.compareAndSet(false, true)) {
            writer.execute(() -> {
                scheduled.set(false); // a change from now on schedules another write
                write();
            });
        }
    }

    /** Writes what is pending, then once more: the state as the host stops. */
    @Override
    public void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (file != null && telegram != null) {
            write();
        }
    }

    private synchronized void write() {
        try {
            String json = JSON.writeValueAsString(new Saved(telegram.save(), botFather.save()));
            byte[] sealed = cipher.encrypt(json, OWNER).getBytes(StandardCharsets.US_ASCII);
            Path temporary = Files.createTempFile(file.getParent(), FILE, ".tmp"); // rw------- where POSIX
            try {
                try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                    out.write(ByteBuffer.wrap(sealed));
                    out.force(true);
                }
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException | RuntimeException e) {
            // the sandbox goes on in memory; the next change tries again
            log.warn("Sandbox: cannot save its state to {}: {}", file, e.toString());
        }
    }

    private static Saved read(Path file, SecretCipher cipher) {
        if (!Files.exists(file)) {
            return null;
        }
        try {
            String json = cipher.decrypt(Files.readString(file, StandardCharsets.US_ASCII).strip(), OWNER);
            return JSON.readValue(json, Saved.class);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the sandbox's state " + file, e);
        } catch (RuntimeException e) {
            throw new IllegalStateException("Cannot read the sandbox's state " + file + " (" + e.getMessage()
                    + "). Start with the master key it was saved with, or delete the file to start with an empty "
                    + "sandbox", e);
        }
    }
}
