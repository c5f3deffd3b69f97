package dev.alknet.core.hostkeys;

/** How the client treats a server whose host key is not in known_hosts yet. */
public enum HostKeyPolicy {
    /** Record the key on first use and log its fingerprint (OpenSSH's accept-new). */
    TRUST_ON_FIRST_USE,
    /** Refuse unknown hosts. */
    STRICT
}
