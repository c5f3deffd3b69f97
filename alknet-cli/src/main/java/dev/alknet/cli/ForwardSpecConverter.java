package dev.alknet.cli;

import dev.alknet.client.forward.ForwardSpec;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code -L}/{@code -R} values: a bad spec is a command-line error (exit 2) that names the bad part. */
final class ForwardSpecConverter implements ITypeConverter<ForwardSpec> {

    @Override
    public ForwardSpec convert(String value) {
        try {
            return ForwardSpec.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
