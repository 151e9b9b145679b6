package io.featuremon.it.docker;

import static io.featuremon.it.docker.DockerFiles.DOCKER;
import static io.featuremon.it.docker.DockerFiles.ROOT;
import static io.featuremon.it.docker.DockerFiles.require;
import static io.featuremon.it.docker.DockerFiles.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.featuremon.config.FeaturemonConfig;
import io.featuremon.it.docker.DockerFiles.Result;
import io.featuremon.it.docker.DockerFiles.Topic;
import io.featuremon.topology.FeaturemonApp;
import org.junit.jupiter.api.Test;

/**
 * What can be checked of docker/ without a Docker engine (there is none where this was written): the compose file
 * against the Compose specification's JSON schema and by docker-compose itself, the Prometheus and Alertmanager
 * configs by their own checkers, the shell scripts by bash and shellcheck, and the files against featuremon's own
 * settings. No image is built here. The entrypoint itself runs in DockerEntrypointIT.
 *
 * <p>Tools (Debian packages, installed by .ci/run): docker-compose (1.29, which ships the compose spec schema and
 * needs no engine for {@code config}), python3-jsonschema, prometheus (promtool), prometheus-alertmanager (amtool),
 * shellcheck. A missing tool skips its test, or fails it under CI=true. Hadolint (a Dockerfile linter) is not
 * packaged for Debian and is not used.
 */
class DockerFilesTest {

    private static final Path COMPOSE = DOCKER.resolve("compose.yaml");
    /** Debian docker-compose's copy of the Compose specification schema. */
    private static final Path COMPOSE_SCHEMA = Path.of("/usr/lib/python3/dist-packages/compose/config/compose_spec.json");

    @Test
    void composeFileShouldValidateAgainstTheComposeSpecificationSchema() throws Exception {
        String python = require("/usr/bin/python3", "python3");
        Result imports = run(python, "-c", "import jsonschema, yaml");
        if (imports.exit() != 0 || !Files.isRegularFile(COMPOSE_SCHEMA)) {
            DockerFiles.missing("the compose schema check needs /usr/bin/python3 with jsonschema and yaml, and "
                    + COMPOSE_SCHEMA + ": `apt-get install -y python3-jsonschema python3-yaml docker-compose`");
        }
        Result result = run(python, "-c", String.join("\n",
                "import json, sys, yaml, jsonschema",
                "schema = json.load(open(sys.argv[1]))",
                "jsonschema.validate(yaml.safe_load(open(sys.argv[2])), schema)",
                "print('valid against', sys.argv[1])"),
                COMPOSE_SCHEMA.toString(), COMPOSE.toString());
        assertThat(result.exit()).as(result.output()).isZero();
    }

    @Test
    void composeFileShouldPassDockerComposeConfig() throws Exception {
        String compose = require("docker-compose", "docker-compose");
        // `config` parses, interpolates and validates the file; it does not talk to an engine.
        Result result = run(compose, "--project-directory", DOCKER.toString(), "-f", COMPOSE.toString(), "config", "-q");
        assertThat(result.exit()).as(result.output()).isZero();
    }

    @Test
    void everyServiceShouldBeHealthCheckedPublishOnLoopbackOnlyAndWaitForWhatItNeeds() throws Exception {
        JsonNode services = yaml(COMPOSE).get("services");
        assertThat(services).isNotNull();
        Set<String> oneShots = new TreeSet<>();
        services.fields().forEachRemaining(s -> {
            JsonNode health = s.getValue().get("healthcheck");
            assertThat(health).as("healthcheck of %s", s.getKey()).isNotNull();
            if (health.path("disable").asBoolean(false)) {
                assertThat(s.getValue().path("restart").asText()).as("%s has no healthcheck: a one-shot", s.getKey())
                        .isEqualTo("no");
                oneShots.add(s.getKey());
            } else {
                assertThat(health.get("test")).as("healthcheck test of %s", s.getKey()).isNotNull();
            }
        });
        assertThat(oneShots).containsExactly("connect-init", "kafka-init");
        services.fields().forEachRemaining(s -> {
            for (JsonNode port : s.getValue().path("ports")) {
                assertThat(port.asText()).as("port of %s", s.getKey()).matches("127\\.0\\.0\\.1:\\d+:\\d+");
            }
            s.getValue().path("depends_on").fields().forEachRemaining(d -> assertThat(d.getValue().path("condition")
                    .asText()).as("%s depends on %s", s.getKey(), d.getKey())
                    .isEqualTo(oneShots.contains(d.getKey()) ? "service_completed_successfully" : "service_healthy"));
        });
        assertThat(services.get("featuremon").path("depends_on").has("kafka-init")).isTrue();
        assertThat(services.get("featuremon").path("depends_on").has("registry")).isTrue();
    }

    @Test
    void theTopicsTheStackCreatesShouldBeFeaturemonsWithTheMasksAndImportancesCompacted() throws Exception {
        FeaturemonConfig defaults = new FeaturemonConfig(Map.of());
        List<String> wanted = new ArrayList<>(List.of(defaults.embeddingsTopic(), defaults.featuresTopic(),
                defaults.featureImportanceTopic()));
        wanted.addAll(defaults.outputTopics());
        List<Topic> topics = DockerFiles.topicsOfCreateScript();
        assertThat(topics).extracting(Topic::name).containsAll(wanted);
        for (Topic topic : topics) {
            boolean compacted = topic.name().equals(defaults.masksTopic())
                    || topic.name().equals(defaults.featureImportanceTopic()) || topic.name().equals("kafkasql-journal");
            assertThat(topic.configs().get("cleanup.policy")).as(topic.name()).isEqualTo(compacted ? "compact" : null);
        }
    }

    @Test
    void featuremonsSettingsFileShouldBeValidAndPointAtTheComposeServices() throws IOException {
        FeaturemonConfig config = FeaturemonConfig.load(Map.of(), DOCKER.resolve("featuremon/featuremon.properties"),
                Map.of());
        FeaturemonApp.validate(config);
        // The listener the broker advertises to the other containers, and the kafka-init and Connect settings.
        String advertised = yaml(COMPOSE).at("/services/kafka/environment/KAFKA_ADVERTISED_LISTENERS").asText();
        assertThat(advertised).contains("PLAINTEXT://" + config.bootstrapServers() + ",");
        assertThat(yaml(COMPOSE).at("/services/kafka-init/environment/BOOTSTRAP").asText())
                .isEqualTo(config.bootstrapServers());
        assertThat(Files.readString(DOCKER.resolve("connect/worker.properties")))
                .contains("bootstrap.servers=" + config.bootstrapServers() + "\n");
        assertThat(config.schemaRegistryUrl()).isEqualTo("http://registry:8080/apis/ccompat/v7");
    }

    @Test
    void connectorConfigsShouldBeJsonObjectsNamingAConnectorClass() throws IOException {
        List<Path> configs;
        try (Stream<Path> files = Files.list(DOCKER.resolve("connect"))) {
            configs = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(configs).isNotEmpty();
        for (Path file : configs) {
            JsonNode config = new ObjectMapper().readTree(file.toFile());
            assertThat(config.isObject()).as(file.toString()).isTrue();
            assertThat(config.path("connector.class").asText()).as(file.toString()).startsWith("io.featuremon.connect.");
            config.fields().forEachRemaining(e -> assertThat(e.getValue().isTextual())
                    .as("%s: %s (Connect's REST API takes strings)", file, e.getKey()).isTrue());
        }
    }

    @Test
    void prometheusConfigShouldPassPromtool() throws Exception {
        String promtool = require("promtool", "prometheus");
        Result config = run(promtool, "check", "config", DOCKER.resolve("prometheus/prometheus.yml").toString());
        assertThat(config.exit()).as(config.output()).isZero();
        assertThat(config.output()).contains("SUCCESS");
        assertThat(yaml(DOCKER.resolve("prometheus/prometheus.yml")).toString()).contains("featuremon:9464");
    }

    @Test
    void alertmanagerConfigShouldPassAmtool() throws Exception {
        String amtool = require("amtool", "prometheus-alertmanager");
        Result result = run(amtool, "check-config", DOCKER.resolve("alertmanager/alertmanager.yml").toString());
        assertThat(result.exit()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS");
    }

    @Test
    void shellScriptsShouldParseAndPassShellcheck() throws Exception {
        String bash = require("bash", "bash");
        String shellcheck = require("shellcheck", "shellcheck");
        for (Path script : List.of(DOCKER.resolve("entrypoint.sh"), DOCKER.resolve("kafka/create-topics.sh"))) {
            Result syntax = run(bash, "-n", script.toString());
            assertThat(syntax.exit()).as(script + ": " + syntax.output()).isZero();
            Result lint = run(shellcheck, script.toString());
            assertThat(lint.exit()).as(script + ": " + lint.output()).isZero();
            assertThat(Files.isExecutable(script)).as(script + " is executable").isTrue();
        }
    }

    @Test
    void dockerfileShouldBuildTheProductionArtifactOnlyAndRunAsAnUnprivilegedUser() throws IOException {
        // Not a linter (hadolint is not available here): the properties this image promises, read from the file.
        String dockerfile = Files.readString(DOCKER.resolve("Dockerfile"));
        assertThat(dockerfile).containsPattern("(?m)^FROM maven:\\S+-eclipse-temurin-17 AS build$")
                .containsPattern("(?m)^FROM eclipse-temurin:17-jre$")
                .contains("-pl topology -am package dependency:copy-dependencies")
                .doesNotContain("-pl embedded").doesNotContain("featuremon-embedded-")
                .containsPattern("(?m)^USER 10001:10001$")
                .containsPattern("(?m)^ENTRYPOINT \\[\"/opt/featuremon/bin/entrypoint.sh\"\\]$");
        assertThat(Files.readString(ROOT.resolve(".dockerignore"))).contains("**/target", ".git");
    }

    private static JsonNode yaml(Path file) throws IOException {
        return new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    }
}
