package dev.alknet.cli.config;

/** A config file the user must fix; the message is one line naming the file and the key. */
public final class ConfigException extends IllegalArgumentException {

    public ConfigException(String message) {
        super(message);
    }
}
