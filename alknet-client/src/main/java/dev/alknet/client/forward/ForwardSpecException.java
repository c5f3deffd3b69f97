package dev.alknet.client.forward;

/** A {@code -L}/{@code -R} spec that does not parse; the message quotes the spec and names the bad part. */
public final class ForwardSpecException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    ForwardSpecException(String spec, String problem) {
        super("forward '" + spec + "': " + problem);
    }
}
