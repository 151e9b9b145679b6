package io.featuremon.cli;

/**
 * A subcommand that lives outside the production artifact and joins {@link Main} when its jar is on the classpath.
 *
 * <p>Why: {@code featuremon demo} needs an embedded broker and registry, which must not ship in the image that runs
 * {@code featuremon run} in production. The demo module (featuremon-embedded) implements this interface and lists
 * its class in {@code META-INF/services/io.featuremon.cli.OptionalCommand}; {@link Main} finds it with
 * {@link java.util.ServiceLoader}. An implementation is a picocli {@code @Command} with a public no-argument
 * constructor; its {@code @Command(name)} is the subcommand's name.
 */
public interface OptionalCommand {
}
