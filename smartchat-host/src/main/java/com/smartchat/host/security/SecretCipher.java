package com.smartchat.host.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Encrypts secrets at rest with AES-256-GCM under the master key: {@code SMARTCHAT_MASTER_KEY} (base64 of 32 bytes)
 * when set, else a key file generated in the data directory and readable by its owner only.
 *
 * <p>Each value is bound to what it belongs to (associated data, such as a channel id), so a ciphertext copied to
 * another row does not decrypt.
 */
@Component
public class SecretCipher {

    private static final Logger log = LoggerFactory.getLogger(SecretCipher.class);
    private static final int KEY_BYTES = 32;
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    public SecretCipher(@Value("${smartchat.master-key:}") String masterKey,
                        @Value("${smartchat.data-dir}") Path dataDir) {
        this.key = new SecretKeySpec(masterKey.isBlank() ? keyFile(dataDir.resolve("master.key")) : decode(masterKey), "AES");
    }

    /** Encrypts text for one owner; the result is base64. */
    public String encrypt(String plaintext, String owner) {
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(owner.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[IV_BYTES + sealed.length];
            System.arraycopy(iv, 0, out, 0, IV_BYTES);
            System.arraycopy(sealed, 0, out, IV_BYTES, sealed.length);
            return Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }

    /**
     * Decrypts what {@link #encrypt} made for the same owner.
     *
     * @throws IllegalStateException when the master key is not the one it was encrypted with, or the value was
     *         altered or belongs to another owner
     */
    public String decrypt(String ciphertext, String owner) {
        try {
            byte[] in = Base64.getDecoder().decode(ciphertext);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, IV_BYTES));
            cipher.updateAAD(owner.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(in, IV_BYTES, in.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            // IllegalArgumentException: not base64, or shorter than an IV
            throw new IllegalStateException("Cannot decrypt the secrets of " + owner + ": they were saved under "
                    + "another master key, or altered, or copied from elsewhere. Start the host with the master key "
                    + "they were saved with (SMARTCHAT_MASTER_KEY or the master.key file), or enter them again");
        }
    }

    /** The key in the setting; the message names the setting, never the value. */
    private static byte[] decode(String masterKey) {
        return decode(masterKey, "SMARTCHAT_MASTER_KEY (smartchat.master-key) is not the base64 of 32 bytes: "
                + "set it to the key the secrets were saved with, or for a new installation to the output of: "
                + "openssl rand -base64 32");
    }

    private static byte[] decode(String base64, String problem) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            bytes = new byte[0]; // its message may quote the key
        }
        if (bytes.length != KEY_BYTES) {
            throw new IllegalStateException(problem);
        }
        return bytes;
    }

    /** The key in the file, generated first when there is none. */
    private byte[] keyFile(Path file) {
        try {
            if (!Files.exists(file)) {
                generate(file);
            }
            return decode(Files.readString(file), "The master key file " + file + " does not hold the base64 of "
                    + "32 bytes: restore it from your backup, or set SMARTCHAT_MASTER_KEY to the key. Delete the "
                    + "file only if no secret was saved yet: a new key cannot read the old secrets.");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the master key file " + file, e);
        }
    }

    /**
     * Writes a new key to a temporary file, then links it under the file's name: another host starting meanwhile
     * sees no file or the whole key, never part of it, and of two hosts generating at once the first link wins and
     * both read its key (a link, unlike a move, never replaces a file).
     */
    private void generate(Path file) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        byte[] fresh = new byte[KEY_BYTES];
        random.nextBytes(fresh);
        // on POSIX a temporary file is created rw------- (its link shares the mode)
        Path temporary = Files.createTempFile(directory, file.getFileName() + ".", ".new");
        try {
            Files.writeString(temporary, Base64.getEncoder().encodeToString(fresh));
            Files.createLink(file, temporary);
            log.info("Generated a master key for secrets at {} (readable by its owner only). Back it up: "
                    + "without it, saved tokens cannot be read. Set SMARTCHAT_MASTER_KEY to use your own.", file);
        } catch (FileAlreadyExistsException e) {
            // another host generated one first: use theirs
        } finally {
            Files.delete(temporary);
        }
    }
}
