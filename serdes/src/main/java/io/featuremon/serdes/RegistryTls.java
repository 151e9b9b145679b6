package io.featuremon.serdes;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The TLS context of {@link HttpSchemaRegistryClient} from Confluent's {@code schema.registry.ssl.*} keys: a
 * truststore for the registry's certificate, and a keystore when the registry wants a client certificate.
 * Neither set: null, and the JVM's defaults apply.
 */
final class RegistryTls {

    private RegistryTls() {
    }

    /**
     * @throws ConfigException naming the key (never the password) when a store cannot be read or opened
     */
    static SSLContext sslContext(SchemaRegistryConfig config) {
        String truststore = config.getString(SchemaRegistryConfig.SSL_TRUSTSTORE_LOCATION);
        String keystore = config.getString(SchemaRegistryConfig.SSL_KEYSTORE_LOCATION);
        if (isBlank(truststore) && isBlank(keystore)) {
            return null;
        }
        try {
            TrustManagerFactory trust = null;
            if (!isBlank(truststore)) {
                trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(load(SchemaRegistryConfig.SSL_TRUSTSTORE_LOCATION, truststore,
                        config.getString(SchemaRegistryConfig.SSL_TRUSTSTORE_TYPE),
                        config.getPassword(SchemaRegistryConfig.SSL_TRUSTSTORE_PASSWORD)));
            }
            KeyManagerFactory keys = null;
            if (!isBlank(keystore)) {
                Password storePassword = config.getPassword(SchemaRegistryConfig.SSL_KEYSTORE_PASSWORD);
                Password keyPassword = config.getPassword(SchemaRegistryConfig.SSL_KEY_PASSWORD);
                KeyStore store = load(SchemaRegistryConfig.SSL_KEYSTORE_LOCATION, keystore,
                        config.getString(SchemaRegistryConfig.SSL_KEYSTORE_TYPE), storePassword);
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                Password key = keyPassword != null ? keyPassword : storePassword;
                try {
                    keys.init(store, key == null ? new char[0] : key.value().toCharArray());
                } catch (GeneralSecurityException e) {
                    throw new ConfigException(SchemaRegistryConfig.SSL_KEY_PASSWORD, Redaction.HIDDEN,
                            "cannot read the private key in " + keystore + ": " + e.getMessage());
                }
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS for the schema registry: " + e.getMessage(), e);
        }
    }

    private static KeyStore load(String key, String location, String type, Password password) {
        KeyStore store;
        try {
            store = KeyStore.getInstance(type);
        } catch (GeneralSecurityException e) {
            throw new ConfigException(key.replace(".location", ".type"), type, "not a keystore type this JVM reads"
                    + " (JKS or PKCS12)");
        }
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            store.load(in, password == null ? null : password.value().toCharArray());
            return store;
        } catch (NoSuchFileException e) {
            throw new ConfigException(key, location, "no such file");
        } catch (IOException | GeneralSecurityException e) {
            // A wrong password shows as "keystore password was incorrect" (an IOException); say which key to check.
            throw new ConfigException(key, location, "cannot open it as " + type + " (wrong file, type or "
                    + key.replace(".location", ".password") + "?): " + e.getMessage());
        }
    }

    private static boolean isBlank(String text) {
        return text == null || text.isBlank();
    }
}
