package io.featuremon.serdes;

import java.util.Locale;

import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;

/**
 * Which registry subject a schema is registered and looked up under, as in Confluent's serdes.
 *
 * <p>Chosen with {@code value.subject.name.strategy} (or {@code key.subject.name.strategy}); see
 * {@link #parse(String, String)} for the accepted spellings.
 */
public enum SubjectNameStrategy {

    /** {@code <topic>-value} or {@code <topic>-key}: one schema lineage per topic (Confluent's default). */
    TOPIC_NAME("TopicNameStrategy") {
        @Override
        public String subject(String topic, boolean isKey, Schema schema) {
            return topic + (isKey ? "-key" : "-value");
        }
    },

    /** The record's full name, e.g. {@code io.featuremon.avro.EmbeddingEvent}: shared by every topic. */
    RECORD_NAME("RecordNameStrategy") {
        @Override
        public String subject(String topic, boolean isKey, Schema schema) {
            return schema.getFullName();
        }
    };

    private static final String CONFLUENT_PACKAGE = "io.confluent.kafka.serializers.subject.";

    private final String confluentName;

    SubjectNameStrategy(String confluentName) {
        this.confluentName = confluentName;
    }

    /** The subject for a record of {@code schema} written to {@code topic}. */
    public abstract String subject(String topic, boolean isKey, Schema schema);

    /**
     * Parses a strategy the way a Confluent config names it: {@code TopicNameStrategy},
     * {@code io.confluent.kafka.serializers.subject.TopicNameStrategy} or {@code topic_name}
     * (any case), and likewise for the record name strategy.
     *
     * @param key the config key, named in the exception
     * @throws ConfigException for any other value (TopicRecordNameStrategy is not supported)
     */
    public static SubjectNameStrategy parse(String key, String value) {
        if (value != null) {
            String simple = value.startsWith(CONFLUENT_PACKAGE) ? value.substring(CONFLUENT_PACKAGE.length()) : value;
            for (SubjectNameStrategy strategy : values()) {
                if (simple.equalsIgnoreCase(strategy.confluentName) || simple.toUpperCase(Locale.ROOT).equals(strategy.name())) {
                    return strategy;
                }
            }
        }
        throw new ConfigException(key, value, "expected TopicNameStrategy or RecordNameStrategy (also accepted:"
                + " the " + CONFLUENT_PACKAGE + "* class names, topic_name, record_name)");
    }
}
