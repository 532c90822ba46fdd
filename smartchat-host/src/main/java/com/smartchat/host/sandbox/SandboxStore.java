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
import java.util.concurrent.atomic.AtomicLong;
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
 * <p>Every change writes the whole state before the action that made it returns (changes that come during a write
 * share the next one), to a temporary file that is forced to disk and then moved over the old one atomically: a
 * crash at any moment leaves the previous state or the new one, never half of one, and loses nothing a page or the
 * Bot API confirmed. The sandbox is small (at most 20 bots an admin, 500 lines a chat), so a write is too.
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
    /** How many changes were announced; a write that starts after reading N holds the first N. */
    private final AtomicLong changes = new AtomicLong();
    /** How many changes the file holds. Guarded by this. */
    private long written;
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

    /**
     * Something changed: returns once the file holds it, so that what a page or the Bot API confirmed survives a
     * crash. Changes that come while a write is under way share the next one.
     */
    void changed() {
        if (file == null || telegram == null) {
            return;
        }
        long change = changes.incrementAndGet();
        synchronized (this) {
            if (written >= change) {
                return; // a write that started after this change holds it
            }
            long covered = changes.get();
            if (write()) {
                written = covered;
            }
        }
    }

    /** Writes the state as the host stops. */
    @Override
    public synchronized void close() {
        if (file != null && telegram != null) {
            write();
        }
    }

    private boolean write() {
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
            return true;
        } catch (IOException | RuntimeException e) {
            // the sandbox goes on in memory; the next change tries again
            log.warn("Sandbox: cannot save its state to {}: {}", file, e.toString());
            return false;
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
