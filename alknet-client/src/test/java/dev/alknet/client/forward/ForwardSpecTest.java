package dev.alknet.client.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ForwardSpecTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "8080:db.internal:5432              | NULL      | 8080  | db.internal  | 5432 | 8080:db.internal:5432",
        "127.0.0.1:8080:localhost:80        | 127.0.0.1 | 8080  | localhost    | 80   | 127.0.0.1:8080:localhost:80",
        "0:example.com:443                  | NULL      | 0     | example.com  | 443  | 0:example.com:443",
        "*:8080:localhost:80                | ''        | 8080  | localhost    | 80   | *:8080:localhost:80",
        ":8080:localhost:80                 | ''        | 8080  | localhost    | 80   | *:8080:localhost:80",
        "[::1]:8080:[2001:db8::5]:80        | ::1       | 8080  | 2001:db8::5  | 80   | [::1]:8080:[2001:db8::5]:80",
        "8080:[::1]:22                      | NULL      | 8080  | ::1          | 22   | 8080:[::1]:22",
        "[::]:65535:[fe80::1%lo]:1          | ::        | 65535 | fe80::1%lo   | 1    | [::]:65535:[fe80::1%lo]:1",
        "[localhost]:8080:[db]:5432         | localhost | 8080  | db           | 5432 | localhost:8080:db:5432",
        "my-host.example:1:under_score:2    | my-host.example | 1 | under_score | 2  | my-host.example:1:under_score:2",
    })
    void parsesOpenSshForms(String text, String bind, int port, String host, int hostPort, String canonical) {
        ForwardSpec s = ForwardSpec.parse(text);
        assertEquals(new ForwardSpec(bind, port, host, hostPort), s);
        assertEquals(canonical, s.toString());
        assertEquals(s, ForwardSpec.parse(s.toString()), "round trip");
    }

    @ParameterizedTest(name = "-R {0}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "1080             | NULL      | 1080 | 1080",
        "0                | NULL      | 0    | 0",
        "127.0.0.1:1080   | 127.0.0.1 | 1080 | 127.0.0.1:1080",
        "*:1080           | ''        | 1080 | *:1080",
        "[::1]:1080       | ::1       | 1080 | [::1]:1080",
    })
    void remoteMayBeDynamic(String text, String bind, int port, String canonical) {
        ForwardSpec s = ForwardSpec.parseRemote(text);
        assertTrue(s.dynamic());
        assertEquals(new ForwardSpec(bind, port, null, 0), s);
        assertEquals(canonical, s.toString());
        assertEquals(s, ForwardSpec.parseRemote(s.toString()), "round trip");
        assertFalse(ForwardSpec.parseRemote("8080:localhost:80").dynamic());
    }

    @Test
    void dynamicIsOnlyForRemote() {
        assertThrows(ForwardSpecException.class, () -> ForwardSpec.parse("1080"));
        assertThrows(ForwardSpecException.class, () -> ForwardSpec.parseRemote("99999"));
        assertThrows(ForwardSpecException.class, () -> ForwardSpec.parseRemote("x:y"));
        assertThrows(IllegalArgumentException.class, () -> new ForwardSpec(null, 1080, "h", 0));
    }

    @Test
    void starAndEmptyBindMeanEveryInterface() {
        assertTrue(ForwardSpec.parse("*:1:h:2").bindsEverywhere());
        assertTrue(ForwardSpec.parse(":1:h:2").bindsEverywhere());
        assertFalse(ForwardSpec.parse("1:h:2").bindsEverywhere());
        assertFalse(ForwardSpec.parse("[::]:1:h:2").bindsEverywhere());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "''                     | empty",
        "8080                   | expected [bind_address:]port:host:hostport",
        "8080:host              | expected [bind_address:]port:host:hostport",
        "::1:8080:localhost:80  | too many ':'",
        "1:2:3:4:5              | too many ':'",
        "99999:localhost:80     | listen port '99999' is not a port (expected 0-65535)",
        "-1:localhost:80        | listen port '-1' is not a port",
        "+80:localhost:80       | listen port '+80' is not a port",
        "http:localhost:80      | listen port 'http' is not a port",
        "8080:localhost:0       | target port '0' is not a port (expected 1-65535)",
        "8080:localhost:65536   | target port '65536' is not a port",
        "8080:localhost:        | no target port",
        ":localhost:80          | no listen port",
        "8080::80               | no target host",
        "8080:bad host:80       | target host 'bad host' is not a host name or address",
        "8080:a/b:80            | target host 'a/b' is not a host name or address",
        "b@d:8080:localhost:80  | bind address 'b@d' is not a host name or address",
        "[::1:8080:localhost:80 | missing ']'",
        "[::1]x:8080:h:80       | unexpected 'x:8080:h:80' after ']'",
        "8080:h[::1]:80         | stray bracket in 'h['",
        "8080:[]:80             | no target host",
        "[::1]:[80]:h:80        | listen port '[80]'",
    })
    void namesTheBadPart(String text, String expected) {
        ForwardSpecException e = assertThrows(ForwardSpecException.class, () -> ForwardSpec.parse(text));
        assertTrue(e.getMessage().startsWith("forward '" + text + "': "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), () -> "'" + e.getMessage() + "' should contain '" + expected + "'");
    }

    @Test
    void remoteForwardsNeedDistinctPorts() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Forwards(List.of(),
                List.of(ForwardSpec.parse("9000:a:1"), ForwardSpec.parse("[::1]:9000:b:2"))));
        assertTrue(e.getMessage().contains("server port 9000"), e.getMessage());
        new Forwards(List.of(), List.of(ForwardSpec.parse("0:a:1"), ForwardSpec.parse("0:b:2"))); // both picked by the server
    }
}
