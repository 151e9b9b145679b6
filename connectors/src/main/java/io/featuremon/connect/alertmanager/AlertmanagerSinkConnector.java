package io.featuremon.connect.alertmanager;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * Kafka Connect sink from featuremon's alerts topic to Prometheus Alertmanager ({@code POST /api/v2/alerts}).
 *
 * <p>Install: unzip {@code connectors/target/featuremon-connectors-<version>-plugin.zip} into a directory on the
 * worker's {@code plugin.path}; then create a connector with {@code connector.class=AlertmanagerSinkConnector},
 * {@code topics=featuremon-alerts}, {@code value.converter=org.apache.kafka.connect.converters.ByteArrayConverter},
 * {@code alertmanager.url} and {@code schema.registry.url} (the README's Connectors section has every key).
 */
public final class AlertmanagerSinkConnector extends SinkConnector {

    static final String VERSION = implementationVersion();

    private Map<String, String> props;

    @Override
    public String version() {
        return VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        new AlertmanagerSinkConfig(props); // refuses a bad or unknown key by name before any task starts
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return AlertmanagerSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return Collections.nCopies(maxTasks, props);
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return AlertmanagerSinkConfig.CONFIG_DEF;
    }

    /**
     * The framework's per-key validation, plus an error for each key nobody knows and for settings that only make
     * sense together: the worker refuses to create the connector while any is present (REST: HTTP 400, naming them).
     */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config config = super.validate(connectorConfigs);
        List<ConfigValue> values = new ArrayList<>(config.configValues());
        for (String key : AlertmanagerSinkConfig.unknownKeys(connectorConfigs)) {
            ConfigValue unknown = new ConfigValue(key, connectorConfigs.get(key), new ArrayList<>(), new ArrayList<>());
            unknown.addErrorMessage(AlertmanagerSinkConfig.unknownKeyMessage(key));
            values.add(unknown);
        }
        if (values.stream().allMatch(v -> v.errorMessages().isEmpty())) {
            try {
                AbstractConfig parsed = new AbstractConfig(AlertmanagerSinkConfig.CONFIG_DEF, connectorConfigs, false);
                AlertmanagerSinkConfig.crossChecks(parsed).forEach((key, message) -> values.stream()
                        .filter(v -> v.name().equals(key)).findFirst().ifPresent(v -> v.addErrorMessage(message)));
            } catch (ConfigException e) {
                values.stream().filter(v -> v.name().equals(AlertmanagerSinkConfig.ALERTMANAGER_URL)).findFirst()
                        .ifPresent(v -> v.addErrorMessage(e.getMessage()));
            }
        }
        return new Config(values);
    }

    private static String implementationVersion() {
        String version = AlertmanagerSinkConnector.class.getPackage().getImplementationVersion();
        return version != null ? version : "0.1.0-SNAPSHOT";
    }
}
