package dev.alknet.client.autopick;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetworkKeyAndMemoryTest {

    private static final String HEADER = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT";

    @Test
    void defaultRouteWithLowestMetricNamesTheNetwork() {
        List<String> table = List.of(HEADER,
                "wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0",
                "eth0\t00000000\t01014D0A\t0003\t0\t0\t100\t00000000\t0\t0\t0",
                "eth0\t00014D0A\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0");
        assertEquals("eth0 via 10.77.1.1", NetworkKey.fromRouteTable(table));
        assertEquals("none", NetworkKey.fromRouteTable(List.of(HEADER)));
    }

    @Test
    void remembersPerNetworkAcrossInstances(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("transports.json");
        new TransportMemory(file).remember("eth0 via 10.0.0.1", "tls");
        new TransportMemory(file).remember("wlan0 via 192.168.1.1", "quic");
        TransportMemory m = new TransportMemory(file);
        assertEquals(Optional.of("tls"), m.lookup("eth0 via 10.0.0.1"));
        assertEquals(Optional.of("quic"), m.lookup("wlan0 via 192.168.1.1"));
        assertEquals(Optional.empty(), m.lookup("none"));
        Files.writeString(file, "not json");
        assertEquals(Optional.empty(), new TransportMemory(file).lookup("eth0 via 10.0.0.1"));
    }
}
