package dev.alknet.server.policy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The {@code --policy FILE} (YAML):
 * <pre>
 * default: allow            # or deny: only what an allow rule names
 * allow: [loopback:8080]    # destinations, as --allow
 * deny: [private, "*.internal"]
 * keys:                     # per key: a SHA256: fingerprint or an authorized_keys comment
 *   - key: laptop
 *     allow: ["10.0.0.0/8:22"]
 *     deny: ["*:25"]
 * </pre>
 * Unknown fields are errors, so a typo does not silently open or close anything.
 */
public final class PolicyFile {

    record KeySection(@JsonProperty("key") String key, @JsonProperty("allow") List<String> allow,
            @JsonProperty("deny") List<String> deny) {
    }

    @JsonIgnoreProperties(ignoreUnknown = false)
    record Root(@JsonProperty("default") String defaultAction, @JsonProperty("allow") List<String> allow,
            @JsonProperty("deny") List<String> deny, @JsonProperty("keys") List<KeySection> keys) {
    }

    /** A policy is a few rules: anything larger is the wrong file (or /dev/zero), refused before parsing. */
    static final int MAX_BYTES = 1 << 20;

    private PolicyFile() {
    }

    /** Adds the file's rules to {@code builder}; one-line IOException/IllegalArgumentException on mistakes. */
    public static void load(Path file, AccessPolicyBuilder builder) throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        Root root;
        try {
            root = yaml.readValue(readBounded(file), Root.class);
        } catch (java.io.FileNotFoundException | NoSuchFileException e) {
            throw new IOException("--policy: no such file " + file, e);
        } catch (com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException e) {
            throw new IOException("--policy " + file + ": unknown field '" + e.getPropertyName() + "' at line "
                    + e.getLocation().getLineNr() + " (expected: default, allow, deny, keys; under keys: key, allow,"
                    + " deny)", e);
        } catch (JsonMappingException e) {
            throw new IOException("--policy " + file + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IOException("--policy " + file + ": " + firstLine(e.getMessage()), e);
        }
        if (root == null) {
            return; // empty file
        }
        try {
            if (root.defaultAction() != null) {
                builder.defaultAllow(switch (root.defaultAction().toLowerCase(Locale.ROOT)) {
                    case "allow" -> true;
                    case "deny" -> false;
                    default -> throw new IllegalArgumentException("default: '" + root.defaultAction()
                            + "' (expected allow or deny)");
                });
            }
            builder.rules(root.allow(), root.deny());
            if (root.keys() != null) {
                for (KeySection k : root.keys()) {
                    if (k == null) { // "keys: [null]" or a bare "-" (found by fuzzing)
                        throw new IllegalArgumentException("keys: an empty entry (expected key:, allow:, deny:)");
                    }
                    builder.keyRules(k.key(), k.allow(), k.deny());
                }
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--policy " + file + ": " + e.getMessage(), e);
        }
    }

    private static byte[] readBounded(Path file) throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        }
        if (bytes.length > MAX_BYTES) {
            throw new IOException("larger than " + (MAX_BYTES >> 20) + " MiB: not a policy file?");
        }
        return bytes;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
