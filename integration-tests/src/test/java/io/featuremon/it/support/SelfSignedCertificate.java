package io.featuremon.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for 127.0.0.1 made by the JDK's {@code keytool}: a PKCS12 keystore with its key (for a
 * broker or a server) and a PKCS12 truststore with only the certificate (for clients). Each store has its own random
 * password; keytool reads them from its environment, so they never appear on a command line.
 *
 * @param keyStore           the key and certificate; the key's password is the store's
 * @param trustStore         the certificate alone
 */
public record SelfSignedCertificate(Path keyStore, String keyStorePassword, Path trustStore, String trustStorePassword) {

    public static final String TYPE = "PKCS12";

    private static final String ALIAS = "featuremon-it";
    private static final long KEYTOOL_TIMEOUT_SECONDS = 60;

    /** Hides the passwords, should the record ever be printed. */
    @Override
    public String toString() {
        return "SelfSignedCertificate[keyStore=" + keyStore + ", trustStore=" + trustStore + "]";
    }

    /** Makes {@code dir/server.p12} and {@code dir/trust.p12} for the host 127.0.0.1 (and localhost). */
    public static SelfSignedCertificate create(Path dir) {
        String keyStorePassword = "ks-" + UUID.randomUUID();
        String trustStorePassword = "ts-" + UUID.randomUUID();
        try {
            Files.createDirectories(dir);
            Path keyStore = dir.resolve("server.p12");
            Path certificate = dir.resolve("server.crt");
            Path trustStore = dir.resolve("trust.p12");
            Map<String, String> env = Map.of("KS_PASSWORD", keyStorePassword, "TS_PASSWORD", trustStorePassword);
            // EC keys: generated and used in a handshake much faster than RSA ones; every JDK client and Kafka take them.
            keytool(env, "-genkeypair", "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=127.0.0.1", "-ext", "SAN=IP:127.0.0.1,DNS:localhost", "-validity", "2",
                    "-keystore", keyStore.toString(), "-storetype", TYPE, "-storepass:env", "KS_PASSWORD");
            keytool(env, "-exportcert", "-alias", ALIAS, "-rfc", "-file", certificate.toString(),
                    "-keystore", keyStore.toString(), "-storetype", TYPE, "-storepass:env", "KS_PASSWORD");
            keytool(env, "-importcert", "-noprompt", "-alias", ALIAS, "-file", certificate.toString(),
                    "-keystore", trustStore.toString(), "-storetype", TYPE, "-storepass:env", "TS_PASSWORD");
            return new SelfSignedCertificate(keyStore, keyStorePassword, trustStore, trustStorePassword);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot make a test certificate in " + dir, e);
        }
    }

    private static void keytool(Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("keytool " + args[0] + " did not finish within " + KEYTOOL_TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() != 0) {
                throw new IOException("keytool " + args[0] + " failed (exit " + process.exitValue() + "): " + output);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while running keytool", e);
        }
    }
}
