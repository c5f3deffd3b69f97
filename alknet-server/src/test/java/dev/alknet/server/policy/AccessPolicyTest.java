package dev.alknet.server.policy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AccessPolicyTest {

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    private static final KeyGrant PLAIN = new KeyGrant("SHA256:plain", "laptop", KeyOptions.NONE);

    @Test
    void safeDefaultDeniesLoopbackLinkLocalAndSelfByAddress() throws Exception {
        AccessPolicy p = AccessPolicy.defaults();
        assertFalse(p.permits("127.0.0.1", ip("127.0.0.1"), 80, null));
        assertFalse(p.permits("::1", ip("::1"), 80, null));
        assertFalse(p.permits("localhost", null, 80, null), "the name localhost itself");
        assertFalse(p.permits("innocent.example", ip("127.0.0.1"), 80, null), "a name resolving to loopback");
        assertFalse(p.permits("metadata", ip("169.254.169.254"), 80, null));
        assertFalse(p.permits("0.0.0.0", ip("0.0.0.0"), 80, null));
        InetAddress own = ownNonLoopbackAddress();
        if (own != null) {
            assertFalse(p.permits("me", own, 22, null), "the server's own address " + own);
        }
        assertTrue(p.permits("example.com", ip("93.184.215.14"), 443, null));
        assertTrue(p.permits("10.1.2.3", ip("10.1.2.3"), 443, null), "private ranges are allowed by default");
        assertFalse(p.allowed("127.0.0.1", 80, null), "a literal is decided before any dial");
        assertTrue(p.allowed("some.name", 80, null), "a name waits for its addresses");
    }

    @Test
    void explicitAllowReEnablesAndDenyWins() throws Exception {
        AccessPolicy p = AccessPolicy.builder().rules(List.of("loopback:8080", "169.254.169.254"),
                List.of("127.0.0.2", "10.0.0.0/8")).build();
        assertTrue(p.permits("localhost", ip("127.0.0.1"), 8080, null));
        assertFalse(p.permits("localhost", ip("127.0.0.1"), 8081, null), "only the allowed port");
        assertFalse(p.permits("x", ip("127.0.0.2"), 8080, null), "deny beats allow");
        assertTrue(p.permits("x", ip("169.254.169.254"), 80, null));
        assertFalse(p.permits("db.corp", ip("10.9.9.9"), 5432, null), "deny by CIDR on the resolved address");
        assertTrue(p.allowed("db.corp", 5432, null), "unresolved: decided after DNS");
        assertFalse(p.allowedAddress("db.corp", 5432, ip("10.9.9.9"), null));
    }

    @Test
    void denyByNameIsDecidedBeforeDns() {
        AccessPolicy p = AccessPolicy.builder().rules(List.of(), List.of("*.internal", "*:25")).build();
        assertFalse(p.allowed("db.internal", 5432, null));
        assertFalse(p.allowed("mail.example", 25, null));
        assertTrue(p.allowed("mail.example", 587, null));
    }

    @Test
    void defaultDenyAllowsOnlyWhatIsListed() throws Exception {
        AccessPolicy p = AccessPolicy.builder().defaultAllow(false).rules(List.of("*.example.com:443", "192.0.2.0/24"),
                List.of()).build();
        assertTrue(p.permits("www.example.com", ip("93.184.215.14"), 443, null));
        assertFalse(p.permits("www.example.org", ip("93.184.215.15"), 443, null));
        assertTrue(p.allowed("svc.lan", 80, null), "a CIDR allow could match once resolved");
        assertTrue(p.permits("svc.lan", ip("192.0.2.7"), 80, null));
        assertFalse(p.permits("svc.lan", ip("198.51.100.7"), 80, null));
        AccessPolicy remote = p.namesResolvedRemotely();
        assertFalse(remote.allowed("svc.lan", 80, null), "the proxy resolves: names cannot match a CIDR");
        assertTrue(remote.allowed("www.example.com", 443, null));
        assertTrue(remote.allowed("192.0.2.7", 80, null), "literals still meet address rules");
    }

    @Test
    void permitopenRestrictsAndGrants() throws Exception {
        KeyOptions o = KeyOptions.of(Map.of("permitopen", "localhost:8080,db.example:5432"));
        KeyGrant g = new KeyGrant("SHA256:k", "ops", o);
        AccessPolicy p = AccessPolicy.builder().rules(List.of(), List.of("db.example:5432")).build();
        assertTrue(p.permits("localhost", ip("127.0.0.1"), 8080, g), "permitopen is an explicit grant, even loopback");
        assertFalse(p.permits("localhost", ip("127.0.0.1"), 8081, g));
        assertFalse(p.permits("example.com", ip("93.184.215.14"), 443, g), "anything not in permitopen");
        assertFalse(p.permits("db.example", ip("192.0.2.1"), 5432, g), "an explicit deny still wins");
    }

    @Test
    void perKeyRulesBySelector() throws Exception {
        AccessPolicy p = AccessPolicy.builder().rules(List.of(), List.of("private"))
                .keyRules("laptop", List.of("10.0.0.0/8:22"), List.of())
                .keyRules("SHA256:other", List.of(), List.of("*")).build();
        KeyGrant laptop = PLAIN;
        KeyGrant other = new KeyGrant("SHA256:other", "phone", KeyOptions.NONE);
        assertTrue(p.permits("bastion", ip("10.0.0.5"), 22, laptop), "key allow before server deny");
        assertFalse(p.permits("bastion", ip("10.0.0.5"), 80, laptop));
        assertFalse(p.permits("bastion", ip("10.0.0.5"), 22, null));
        assertFalse(p.permits("example.com", ip("93.184.215.14"), 443, other), "key deny by fingerprint");
        assertTrue(p.permits("example.com", ip("93.184.215.14"), 443, laptop));
    }

    @Test
    void policyFile() throws Exception {
        Path f = Files.createTempFile("policy", ".yaml");
        try {
            Files.writeString(f, """
                    default: deny
                    allow: ["*.example.com:443", "loopback:8080"]
                    deny: ["bad.example.com"]
                    keys:
                      - key: laptop
                        allow: ["10.0.0.0/8:22"]
                    """);
            AccessPolicyBuilder b = AccessPolicy.builder();
            PolicyFile.load(f, b);
            AccessPolicy p = b.build();
            assertTrue(p.permits("a.example.com", ip("93.184.215.14"), 443, null));
            assertFalse(p.permits("bad.example.com", ip("93.184.215.14"), 443, null));
            assertFalse(p.permits("a.example.org", ip("93.184.215.14"), 443, null));
            assertTrue(p.permits("localhost", ip("127.0.0.1"), 8080, null));
            assertTrue(p.permits("h", ip("10.0.0.1"), 22, PLAIN));
            assertFalse(p.permits("h", ip("10.0.0.1"), 22, null));

            Files.writeString(f, "alow: [x]\n");
            Exception e = assertThrows(java.io.IOException.class, () -> PolicyFile.load(f, AccessPolicy.builder()));
            assertTrue(e.getMessage().contains("alow"), e.getMessage());
            Files.writeString(f, "deny: [\"10.0.0.0/40\"]\n");
            assertThrows(IllegalArgumentException.class, () -> PolicyFile.load(f, AccessPolicy.builder()));
            Files.writeString(f, "default: maybe\n");
            assertThrows(IllegalArgumentException.class, () -> PolicyFile.load(f, AccessPolicy.builder()));
        } finally {
            Files.deleteIfExists(f);
        }
    }

    private static InetAddress ownNonLoopbackAddress() throws Exception {
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                if (!a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    return a;
                }
            }
        }
        return null;
    }
}
