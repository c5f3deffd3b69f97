package dev.alknet.transport.tls;

import dev.alknet.transport.Resolver;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * RFC 6125 host name check of a server certificate: DNS SANs (a wildcard only as the whole left-most
 * label) for names, IP SANs for IP literals. The subject CN is not consulted.
 */
final class HostnameMatcher {

    private static final int DNS = 2;
    private static final int IP = 7;

    private HostnameMatcher() {
    }

    static boolean matches(X509Certificate cert, String host) {
        Collection<List<?>> sans;
        try {
            sans = cert.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return false;
        }
        if (sans == null) {
            return false;
        }
        if (Resolver.isIpLiteral(host)) {
            InetAddress want = NetUtil.createInetAddressFromIpAddressString(host);
            for (List<?> san : sans) {
                if ((Integer) san.get(0) == IP && san.get(1) instanceof String s && Resolver.isIpLiteral(s)
                        && NetUtil.createInetAddressFromIpAddressString(s).equals(want)) {
                    return true;
                }
            }
            return false;
        }
        String name = normalize(host);
        for (List<?> san : sans) {
            if ((Integer) san.get(0) == DNS && san.get(1) instanceof String s && dnsMatches(normalize(s), name)) {
                return true;
            }
        }
        return false;
    }

    private static String normalize(String s) {
        String n = s.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    private static boolean dnsMatches(String pattern, String name) {
        if (!pattern.startsWith("*.")) {
            return pattern.equals(name);
        }
        String suffix = pattern.substring(1); // ".example.com"
        int dot = name.indexOf('.');
        // "*" stands for exactly one non-empty label, and never for a label of a public suffix-like
        // two-label pattern such as "*.com".
        return dot > 0 && name.substring(dot).equals(suffix) && suffix.indexOf('.', 1) > 0;
    }
}
