package dev.alknet.core.fuzz;

import java.nio.charset.StandardCharsets;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.security.GeneralSecurityException;
import java.util.List;
import dev.alknet.core.hostkeys.KnownHostMatch;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * known_hosts and authorized_keys as alknet reads them (MINA's parsers, the calls KnownHostsVerifier and the
 * server's AuthorizedKeysAuthenticator make): a hand-edited or hostile line may be rejected with one of the
 * documented exceptions, never with a runtime exception that would take the whole file (or the server's
 * authentication) down.
 */
class KnownHostsFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void knownHostsLines(byte[] input) throws IOException {
        String text = new String(input, StandardCharsets.UTF_8);
        List<KnownHostEntry> entries;
        try {
            entries = KnownHostEntry.readKnownHostEntries(new BufferedReader(new StringReader(text)));
        } catch (IllegalArgumentException | IOException rejected) {
            return; // the verifier turns this into "cannot read known_hosts": one line
        }
        for (KnownHostEntry e : entries) {
            KnownHostMatch.matches(e, "example.com", 22);
            KnownHostMatch.matches(e, "::1", 2222);
            if (e.getKeyEntry() != null) {
                try {
                    e.getKeyEntry().resolvePublicKey(null, PublicKeyEntryResolver.IGNORING);
                } catch (IOException | GeneralSecurityException | IllegalArgumentException skipped) {
                    // KnownHostsVerifier skips such an entry
                }
            }
        }
    }

    @FuzzTest(maxDuration = "60s")
    void authorizedKeysLines(byte[] input) throws IOException {
        String text = new String(input, StandardCharsets.UTF_8);
        List<AuthorizedKeyEntry> entries;
        try {
            entries = AuthorizedKeyEntry.readAuthorizedKeys(new BufferedReader(new StringReader(text)));
        } catch (IllegalArgumentException | IOException rejected) {
            return;
        }
        try {
            PublicKeyEntry.resolvePublicKeyEntries(null, entries, PublicKeyEntryResolver.IGNORING);
        } catch (IOException | GeneralSecurityException | IllegalArgumentException rejected) {
            // the authenticator refuses every key then; logged
        }
    }
}
