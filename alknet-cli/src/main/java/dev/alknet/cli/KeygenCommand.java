package dev.alknet.cli;

import dev.alknet.core.config.AlknetHome;
import dev.alknet.core.keys.KeyFiles;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = "Create the client identity <home>/id_ed25519 if missing; print its public key and fingerprint.",
        footer = {"", "Examples:",
                "  alknet keygen",
                "  alknet keygen --home /etc/alknet-client",
                "  alknet keygen | head -1 | ssh root@vps 'cat >> ~/.alknet/authorized_keys'"})
final class KeygenCommand implements Callable<Integer> {

    @Mixin
    HomeOption home;

    @Override
    public Integer call() throws Exception {
        AlknetHome h = home.resolve();
        KeyFiles.LoadedKey key = KeyFiles.loadOrCreate(h.identity(), "alknet@" + Hostnames.local());
        System.err.println((key.created() ? "created " : "using existing ") + h.identity());
        System.out.println(KeyFiles.publicKeyLine(key.pair().getPublic(), "alknet@" + Hostnames.local()));
        System.out.println(KeyFiles.fingerprint(key.pair().getPublic()));
        return 0;
    }
}
