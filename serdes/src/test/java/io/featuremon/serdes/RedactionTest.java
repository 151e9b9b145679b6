package io.featuremon.serdes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;

class RedactionTest {

    @Test
    void shouldHideUserInfoAndQueryValuesOfAUrlButKeepWhereItPoints() {
        assertThat(Redaction.url("https://alice:s3cret@127.0.0.1:1/apis?token=abc"))
                .isEqualTo("https://[hidden]@127.0.0.1:1/apis?token=[hidden]");
        assertThat(Redaction.url("http://registry:8081/apis/ccompat/v7"))
                .isEqualTo("http://registry:8081/apis/ccompat/v7");
        assertThat(Redaction.url("https://host/p?a=1&key&b=2#frag")).isEqualTo("https://host/p?a=[hidden]&[hidden]&b=[hidden]#[hidden]");
    }

    @Test
    void shouldHideEveryUrlsCredentialsInFreeText() {
        String message = "GET https://alice:s3cret@127.0.0.1:1/apis/schemas/ids/3?token=abc failed; also tried "
                + "http://bob:pa%40ss@other:8081/x";

        assertThat(Redaction.text(message))
                .isEqualTo("GET https://[hidden]@127.0.0.1:1/apis/schemas/ids/3?token=[hidden] failed; also tried "
                        + "http://[hidden]@other:8081/x")
                .doesNotContain("s3cret", "alice", "abc", "pa%40ss");
    }

    @Test
    void shouldHideAnAtSignThatWasNotPercentEncodedWithTheRestOfThePassword() {
        assertThat(Redaction.text("see http://alice:p@ss@host:1/")).isEqualTo("see http://[hidden]@host:1/");
        assertThat(Redaction.url("http://alice:p@ss@host:1/")).doesNotContain("ss@", "alice");
    }

    @Test
    void shouldHidePasswordsInJaasLinesAndJson() {
        String jaas = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"featuremon\" "
                + "password=\"k4fka-s3cret\";";
        assertThat(Redaction.text(jaas)).isEqualTo("org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"featuremon\" password=\"[hidden]\";");
        assertThat(Redaction.text("{\"user\":\"a\",\"password\":\"x y\"}")).isEqualTo("{\"user\":\"a\",\"password\":\"[hidden]\"}");
        assertThat(Redaction.text("ssl.truststore.password=changeit and more")).isEqualTo("ssl.truststore.password=[hidden] and more");
    }

    @Test
    void shouldLeaveMessagesThatOnlyNameASecretKeyReadable() {
        String message = "basic.auth.user.info must be user:password (the user non-empty, then a colon)";

        assertThat(Redaction.text(message)).isEqualTo(message);
    }

    @Test
    void shouldRecognizeKafkaAndRegistrySecretKeys() {
        assertThat(List.of("sasl.jaas.config", "ssl.truststore.password", "ssl.keystore.password", "ssl.key.password",
                "schema.registry.ssl.truststore.password", "basic.auth.user.info", "bearer.auth.token",
                "sasl.oauthbearer.client.credentials.client.secret", "ssl.keystore.key", "listener.name.x.sasl.jaas.config",
                "SASL.JAAS.CONFIG"))
                .allSatisfy(key -> assertThat(Redaction.isSecretKey(key)).as(key).isTrue());
        assertThat(List.of("basic.auth.credentials.source", "sasl.mechanism", "security.protocol",
                "ssl.truststore.location", "schema.registry.url", "topic.dead-letters", "application.id"))
                .allSatisfy(key -> assertThat(Redaction.isSecretKey(key)).as(key).isFalse());
    }

    @Test
    void shouldShowAConfigWithHiddenSecretsAndRedactedUrlsSortedByKey() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("sasl.jaas.config", "ScramLoginModule required username=\"u\" password=\"p\";");
        config.put("schema.registry.url", "https://alice:s3cret@127.0.0.1:1/apis?token=abc");
        config.put("ssl.truststore.password", new Password("changeit"));
        config.put("some.password.like.value", new Password("x"));
        config.put("application.id", "featuremon");
        config.put("unset", null);

        assertThat(Redaction.config(config)).containsExactly(
                Map.entry("application.id", "featuremon"),
                Map.entry("sasl.jaas.config", "[hidden]"),
                Map.entry("schema.registry.url", "https://[hidden]@127.0.0.1:1/apis?token=[hidden]"),
                Map.entry("some.password.like.value", "[hidden]"),
                Map.entry("ssl.truststore.password", "[hidden]"),
                Map.entry("unset", ""));
    }
}
