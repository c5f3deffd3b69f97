package dev.alknet.core.channel;

import dev.alknet.core.config.SshDefaults;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * The receive window a new channel starts with, so that one session cannot make the server hold more than a bounded
 * amount of its data: every byte of window is credit the client may use to park data here when the destination
 * stops reading. The first {@value #FULL} channels open at once get the full window (bulk speed: ADR 0013), later
 * ones {@value #SMALL_KIB} KiB, which grows like any window within the session's growth budget
 * ({@code WindowBudget}). With 1,024 channels a session holds at most 32 x 8 MiB + 992 x 256 KiB + the 256 MiB growth
 * budget (~760 MiB), instead of 8 GiB.
 */
final class InitialWindows {

    static final int FULL = Integer.getInteger("alknet.ssh.fullWindowChannels", 32);
    static final int SMALL_KIB = 256;

    private InitialWindows() {
    }

    /** Sets {@code channel}'s initial window (before MINA initialises it) given the channels already open. */
    static void size(Channel channel, int alreadyOpen) {
        if (alreadyOpen >= FULL) {
            CoreModuleProperties.WINDOW_SIZE.set(channel, Math.min(SshDefaults.WINDOW_SIZE, SMALL_KIB * 1024L));
        }
    }
}
