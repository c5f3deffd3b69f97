package dev.alknet.server.policy;

/** A rule's answer for a destination whose address may not be known yet. */
enum Match {
    YES,
    NO,
    /** Only the resolved address can tell. */
    MAYBE
}
