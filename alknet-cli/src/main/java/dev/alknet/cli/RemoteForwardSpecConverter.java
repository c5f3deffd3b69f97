package dev.alknet.cli;

import dev.alknet.client.forward.ForwardSpec;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code -R} values: as {@link ForwardSpecConverter}, and also dynamic {@code [BIND:]PORT} (no target). */
final class RemoteForwardSpecConverter implements ITypeConverter<ForwardSpec> {

    @Override
    public ForwardSpec convert(String value) {
        try {
            return ForwardSpec.parseRemote(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
