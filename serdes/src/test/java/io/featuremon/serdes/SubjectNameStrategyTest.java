package io.featuremon.serdes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.featuremon.avro.EmbeddingEvent;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SubjectNameStrategyTest {

    @Test
    void shouldNameTopicSubjectsAfterTopicAndSide() {
        assertThat(SubjectNameStrategy.TOPIC_NAME.subject("embeddings", false, EmbeddingEvent.getClassSchema()))
                .isEqualTo("embeddings-value");
        assertThat(SubjectNameStrategy.TOPIC_NAME.subject("embeddings", true, EmbeddingEvent.getClassSchema()))
                .isEqualTo("embeddings-key");
    }

    @Test
    void shouldNameRecordSubjectsAfterTheRecordFullName() {
        assertThat(SubjectNameStrategy.RECORD_NAME.subject("embeddings", false, EmbeddingEvent.getClassSchema()))
                .isEqualTo("io.featuremon.avro.EmbeddingEvent");
    }

    @ParameterizedTest
    @ValueSource(strings = {"TopicNameStrategy", "io.confluent.kafka.serializers.subject.TopicNameStrategy",
            "topic_name", "TOPIC_NAME"})
    void shouldAcceptEveryConfluentSpellingOfTopicNameStrategy(String value) {
        assertThat(SubjectNameStrategy.parse("value.subject.name.strategy", value)).isEqualTo(SubjectNameStrategy.TOPIC_NAME);
    }

    @ParameterizedTest
    @ValueSource(strings = {"RecordNameStrategy", "io.confluent.kafka.serializers.subject.RecordNameStrategy",
            "record_name", "RECORD_NAME"})
    void shouldAcceptEveryConfluentSpellingOfRecordNameStrategy(String value) {
        assertThat(SubjectNameStrategy.parse("value.subject.name.strategy", value)).isEqualTo(SubjectNameStrategy.RECORD_NAME);
    }

    @Test
    void shouldRejectUnsupportedStrategyNamingTheKey() {
        assertThatThrownBy(() -> SubjectNameStrategy.parse("value.subject.name.strategy",
                "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("value.subject.name.strategy")
                .hasMessageContaining("TopicNameStrategy or RecordNameStrategy");
    }
}
