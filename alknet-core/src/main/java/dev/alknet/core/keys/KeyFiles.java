package dev.alknet.core.keys;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.Iterator;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.io.resource.PathResource;
import org.apache.sshd.common.util.security.SecurityUtils;

/** Ed25519 key pairs in OpenSSH's own file formats, so {@code ssh -i} and {@code ssh-keygen} read them. */
public final class KeyFiles {

    private KeyFiles() {
    }

    /** Loads the private key at {@code file}, creating it (and {@code file.pub}) first if it is missing. */
    public static LoadedKey loadOrCreate(Path file, String comment) throws KeyFileException {
        if (Files.exists(file)) {
            return new LoadedKey(load(file), false);
        }
        KeyPair pair = generate();
        write(file, pair, comment);
        return new LoadedKey(pair, true);
    }

    public static KeyPair generate() throws KeyFileException {
        try {
            return KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        } catch (GeneralSecurityException e) {
            throw new KeyFileException("cannot generate an ed25519 key: " + e.getMessage(), e);
        }
    }

    public static KeyPair load(Path file) throws KeyFileException {
        try (InputStream in = Files.newInputStream(file)) {
            Iterable<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(null, new PathResource(file), in,
                    FilePasswordProvider.of(null));
            Iterator<KeyPair> it = pairs == null ? null : pairs.iterator();
            if (it == null || !it.hasNext()) {
                throw new KeyFileException(file + ": not an OpenSSH private key");
            }
            return it.next();
        } catch (NoSuchFileException e) {
            throw new KeyFileException(file + ": no such key file (run 'alknet keygen')", e);
        } catch (AccessDeniedException e) {
            throw new KeyFileException(file + ": permission denied", e);
        } catch (KeyFileException e) {
            throw e;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (why.toLowerCase().contains("password") || why.toLowerCase().contains("decrypt")) {
                why = "passphrase-protected keys are not supported";
            }
            throw new KeyFileException(file + ": cannot read key: " + why, e);
        }
    }

    /** Writes the private key (mode 0600, atomically) and the public key beside it. */
    public static void write(Path file, KeyPair pair, String comment) throws KeyFileException {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            ByteArrayOutputStream priv = new ByteArrayOutputStream();
            new OpenSSHKeyPairResourceWriter().writePrivateKey(pair, comment, null, priv);
            Path tmp = Files.createTempFile(dir, ".key", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(tmp, priv.toByteArray());
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            Files.writeString(publicKeyFile(file), publicKeyLine(pair.getPublic(), comment) + "\n");
        } catch (FileAlreadyExistsException e) {
            throw new KeyFileException(file + ": already exists", e);
        } catch (AccessDeniedException e) {
            throw new KeyFileException(e.getFile() + ": permission denied", e);
        } catch (IOException | GeneralSecurityException e) {
            throw new KeyFileException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    public static Path publicKeyFile(Path privateKeyFile) {
        return privateKeyFile.resolveSibling(privateKeyFile.getFileName() + ".pub");
    }

    /** {@code ssh-ed25519 AAAA... comment}, one authorized_keys line. */
    public static String publicKeyLine(PublicKey key, String comment) {
        String line = PublicKeyEntry.toString(key);
        return comment == null || comment.isBlank() ? line : line + " " + comment;
    }

    /** {@code SHA256:...}, as {@code ssh-keygen -l} prints it. */
    public static String fingerprint(PublicKey key) {
        return KeyUtils.getFingerPrint(key);
    }

    /** A key pair and whether this call created it. */
    public record LoadedKey(KeyPair pair, boolean created) {
    }
}
