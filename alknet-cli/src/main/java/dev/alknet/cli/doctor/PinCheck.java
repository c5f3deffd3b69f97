package dev.alknet.cli.doctor;

import dev.alknet.transport.tls.TlsClientOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The TLS certificate check of each tls/wss/quic server: pinned (and whether the pin held on the dial), verified
 * against the system CAs, or neither, in which case only the SSH host key proves the server (alknet's default).
 */
public final class PinCheck implements Check {

    private final List<Dial> dials;
    /** How each dial's transport checks the certificate, by server URL. */
    private final Map<String, TlsClientOptions> tls;

    public PinCheck(List<Dial> dials, Map<String, TlsClientOptions> tls) {
        this.dials = dials;
        this.tls = tls;
    }

    @Override
    public String name() {
        return "pin";
    }

    @Override
    public List<Verdict> run() {
        List<Verdict> out = new ArrayList<>();
        for (Dial d : dials) {
            String url = d.options().server().toString();
            TlsClientOptions o = tls.get(url);
            if (o == null || !List.of("tls", "wss", "quic").contains(d.scheme())) {
                continue;
            }
            String error = d.error() == null ? "" : d.error();
            if (error.contains("pin mismatch")) {
                out.add(Verdict.fail(name(), url + ": " + error, "the server's certificate key changed: take the new"
                        + " pin from 'alknet serve' (or its share string) for --tls-pin"));
            } else if (error.contains("does not match the name") || error.contains("PKIX")) {
                out.add(Verdict.fail(name(), url + ": " + error, "fix --tls-server-name, or drop --tls-verify for a"
                        + " self-signed certificate and pin it with --tls-pin"));
            } else if (!o.pins().isEmpty()) {
                out.add(d.reached() ? Verdict.ok(name(), url + " certificate matches the pin " + o.pins().get(0)
                        + (o.pins().size() > 1 ? " (or " + (o.pins().size() - 1) + " more)" : ""))
                        : Verdict.skip(name(), url + " not reached, pin " + o.pins().get(0) + " not checked"));
            } else if (o.verify()) {
                out.add(d.reached() ? Verdict.ok(name(), url + " certificate verified against the system CAs")
                        : Verdict.skip(name(), url + " not reached, certificate not checked"));
            } else {
                out.add(Verdict.ok(name(), url + " has no TLS pin: any certificate is taken and the SSH host key"
                        + " proves the server (--tls-pin adds a second check)"));
            }
        }
        if (out.isEmpty()) {
            out.add(Verdict.skip(name(), "no tls, wss or quic server: no certificate to check"));
        }
        return out;
    }
}
