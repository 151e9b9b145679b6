package io.featuremon.connect.alertmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

class AlertmanagerSinkConfigTest {

    /** A complete config as a worker passes it: the framework's keys beside the connector's. */
    private static Map<String, String> valid() {
        Map<String, String> config = new HashMap<>();
        config.put("name", "alertmanager");
        config.put("connector.class", AlertmanagerSinkConnector.class.getName());
        config.put("tasks.max", "1");
        config.put("topics", "featuremon-alerts");
        config.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.put("errors.tolerance", "all");
        config.put("errors.deadletterqueue.topic.name", "featuremon-alerts-dlq");
        config.put("consumer.override.max.poll.records", "100");
        config.put(AlertmanagerSinkConfig.ALERTMANAGER_URL, "http://127.0.0.1:9093");
        config.put("schema.registry.url", "http://127.0.0.1:8081");
        config.put(AlertmanagerSinkConfig.RESEND_INTERVAL_MS, "5000");
        return config;
    }

    private static List<String> errors(Map<String, String> config) {
        return new AlertmanagerSinkConnector().validate(config).configValues().stream()
                .flatMap(v -> v.errorMessages().stream().map(m -> v.name() + ": " + m)).toList();
    }

    @Test
    void shouldAcceptTheFrameworksKeysBesideItsOwn() {
        assertThat(errors(valid())).isEmpty();
        Map<String, String> taskCopy = valid();
        taskCopy.put("task.class", AlertmanagerSinkTask.class.getName()); // the worker adds it to each task's config
        AlertmanagerSinkConfig config = new AlertmanagerSinkConfig(taskCopy);
        assertThat(config.resendInterval().toMillis()).isEqualTo(5000);
        assertThat(config.registrySettings()).containsEntry("schema.registry.url", List.of("http://127.0.0.1:8081"));
    }

    @Test
    void shouldRefuseAnUnknownKeyByNameInValidateAndAtStart() {
        Map<String, String> config = valid();
        config.put("resend.intervall.ms", "5000");

        List<ConfigValue> values = new AlertmanagerSinkConnector().validate(config).configValues();
        assertThat(values).filteredOn(v -> v.name().equals("resend.intervall.ms")).singleElement()
                .satisfies(v -> assertThat(v.errorMessages()).singleElement().asString()
                        .contains("Unknown configuration key 'resend.intervall.ms'").contains("resend.interval.ms"));
        assertThatThrownBy(() -> new AlertmanagerSinkConnector().start(config)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'resend.intervall.ms'");
    }

    @Test
    void shouldRefuseAnUnknownKeyUnderTheConnectorsOwnNamespace() {
        Map<String, String> config = valid();
        config.put("alertmanager.urls", "http://127.0.0.1:9093");

        assertThat(errors(config)).singleElement().asString().startsWith("alertmanager.urls: Unknown configuration key");
    }

    @Test
    void shouldNameTheKeyOfAnInvalidValue() {
        Map<String, String> config = valid();
        config.put(AlertmanagerSinkConfig.RESEND_INTERVAL_MS, "10");
        assertThat(errors(config)).singleElement().asString().startsWith("resend.interval.ms: ");

        config = valid();
        config.put(AlertmanagerSinkConfig.ALERTMANAGER_URL, "127.0.0.1:9093");
        assertThat(errors(config)).singleElement().asString().startsWith("alertmanager.url: ").contains("http://");
    }

    @Test
    void shouldRequireTheAlertmanagerUrlAndTheRegistryUrl() {
        Map<String, String> config = valid();
        config.remove(AlertmanagerSinkConfig.ALERTMANAGER_URL);
        config.remove("schema.registry.url");

        assertThat(errors(config)).containsExactlyInAnyOrder(
                "alertmanager.url: required: the base URL of Alertmanager, e.g. http://127.0.0.1:9093 (one per"
                        + " instance of an Alertmanager cluster, comma-separated)",
                "schema.registry.url: required: the Confluent-compatible schema registry the alerts topic's records"
                        + " were written with, e.g. http://127.0.0.1:8081");
        assertThatThrownBy(() -> new AlertmanagerSinkConfig(config)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("alertmanager.url");
    }

    @Test
    void shouldRefuseBasicAuthAndABearerTokenTogetherAndHalfABasicAuth() {
        Map<String, String> config = valid();
        config.put(AlertmanagerSinkConfig.BASIC_AUTH_USER, "featuremon");
        assertThat(errors(config)).singleElement().asString().startsWith("alertmanager.basic.auth.password: ");

        config.put(AlertmanagerSinkConfig.BASIC_AUTH_PASSWORD, "secret");
        config.put(AlertmanagerSinkConfig.BEARER_TOKEN, "token");
        assertThat(errors(config)).singleElement().asString().startsWith("alertmanager.bearer.token: ")
                .doesNotContain("secret");
    }

    @Test
    void shouldTakeTheRegistrysSecretsUnderItsPrefix() {
        Map<String, String> config = valid();
        config.put("schema.registry.basic.auth.credentials.source", "USER_INFO");
        config.put("schema.registry.basic.auth.user.info", "reader:pw");

        assertThat(errors(config)).isEmpty();
        assertThat(new AlertmanagerSinkConfig(config).registrySettings())
                .containsEntry("basic.auth.credentials.source", "USER_INFO").containsEntry("basic.auth.user.info", "reader:pw");
    }
}
