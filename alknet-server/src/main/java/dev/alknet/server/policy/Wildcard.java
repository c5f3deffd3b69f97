package dev.alknet.server.policy;

import java.util.Locale;

/**
 * OpenSSH wildcard matching ({@code *} any run, {@code ?} one character), case-insensitive, as in ssh_config.
 *
 * <p>Linear in pattern x text: the greedy walk backs up to the last star only. (The recursive matcher it replaces
 * tried every split for every star: a rule with six stars took seconds on a 130-character name, and the name is
 * the client's choice.)
 */
final class Wildcard {

    private Wildcard() {
    }

    static boolean matches(String pattern, String text) {
        String p = pattern.toLowerCase(Locale.ROOT);
        String t = text.toLowerCase(Locale.ROOT);
        int pi = 0;
        int ti = 0;
        int star = -1;
        int mark = 0;
        while (ti < t.length()) {
            if (pi < p.length() && (p.charAt(pi) == '?' || p.charAt(pi) == t.charAt(ti))) {
                pi++;
                ti++;
            } else if (pi < p.length() && p.charAt(pi) == '*') {
                star = pi++;
                mark = ti;
            } else if (star >= 0) {
                pi = star + 1;
                ti = ++mark;
            } else {
                return false;
            }
        }
        while (pi < p.length() && p.charAt(pi) == '*') {
            pi++;
        }
        return pi == p.length();
    }
}
