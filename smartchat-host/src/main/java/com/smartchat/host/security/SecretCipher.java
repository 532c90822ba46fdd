package com.smartchat.host.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
     *         tampered with or belongs to another owner
     */
    public String decrypt(String ciphertext, String owner) {
        byte[] in = Base64.getDecoder().decode(ciphertext);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, IV_BYTES));
            cipher.updateAAD(owner.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(in, IV_BYTES, in.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot decrypt the secrets of " + owner
                    + ": the master key differs from the one they were saved with (check SMARTCHAT_MASTER_KEY)");
        }
    }

    private static byte[] decode(String masterKey) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(masterKey.strip());
        } catch (IllegalArgumentException e) {
            bytes = new byte[0];
        }
        if (bytes.length != KEY_BYTES) {
            throw new IllegalStateException("SMARTCHAT_MASTER_KEY must be the base64 of 32 random bytes, "
                    + "for example the output of: openssl rand -base64 32");
        }
        return bytes;
    }

    private byte[] keyFile(Path file) {
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                byte[] fresh = new byte[KEY_BYTES];
                random.nextBytes(fresh);
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    Files.writeString(file, Base64.getEncoder().encodeToString(fresh));
                    log.info("Generated a master key for secrets at {} (readable by its owner only). Back it up: "
                            + "without it, saved tokens cannot be read. Set SMARTCHAT_MASTER_KEY to use your own.", file);
                } catch (FileAlreadyExistsException e) {
                    // another host process created it first: use theirs
                } catch (UnsupportedOperationException e) {
                    Files.writeString(file, Base64.getEncoder().encodeToString(fresh));
                }
            }
            return decode(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the master key file " + file, e);
        }
    }
}
