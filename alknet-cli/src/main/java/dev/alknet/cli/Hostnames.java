package dev.alknet.cli;

/** The local host name for key comments, without a DNS lookup. */
final class Hostnames {

    private Hostnames() {
    }

    static String local() {
        String h = System.getenv("HOSTNAME");
        if (h == null || h.isBlank()) {
            try {
                h = java.nio.file.Files.readString(java.nio.file.Path.of("/etc/hostname")).trim();
            } catch (java.io.IOException e) {
                h = "localhost";
            }
        }
        return h.isBlank() ? "localhost" : h;
    }
}
