package io.featuremon.serdes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.featuremon.avro.Alert;
import io.featuremon.avro.EmbeddingEvent;
import io.featuremon.avro.FeatureEvent;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class InMemorySchemaRegistryClientTest {

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();

    @Test
    void shouldAssignIdsOneTwoThreeInRegistrationOrder() {
        assertThat(registry.register("features-value", FeatureEvent.getClassSchema())).isEqualTo(1);
        assertThat(registry.register("embeddings-value", EmbeddingEvent.getClassSchema())).isEqualTo(2);
        assertThat(registry.register("alerts-value", Alert.getClassSchema())).isEqualTo(3);
    }

    @Test
    void shouldGiveTheSameIdToTheSameSchemaTextUnderAnySubject() {
        int id = registry.register("embeddings-value", EmbeddingEvent.getClassSchema());
        Schema sameText = new Schema.Parser().parse(EmbeddingEvent.getClassSchema().toString());

        assertThat(registry.register("embeddings-value", sameText)).isEqualTo(id);
        assertThat(registry.register(EmbeddingEvent.getClassSchema().getFullName(), sameText)).isEqualTo(id);
        assertThat(registry.register("other", TestRecords.EMBEDDING_WITHOUT_REQUEST_ID)).isEqualTo(id + 1);
    }

    @Test
    void shouldFindRegisteredSchemaById() {
        int id = registry.register("embeddings-value", EmbeddingEvent.getClassSchema());

        assertThat(registry.getById(id)).isEqualTo(EmbeddingEvent.getClassSchema());
    }

    @Test
    void shouldLookUpOnlyUnderTheSubjectsItWasRegisteredUnder() {
        int id = registry.register("embeddings-value", EmbeddingEvent.getClassSchema());
        registry.register("features-value", FeatureEvent.getClassSchema());

        assertThat(registry.lookup("embeddings-value", EmbeddingEvent.getClassSchema())).isEqualTo(id);
        assertThatThrownBy(() -> registry.lookup("features-value", EmbeddingEvent.getClassSchema()))
                .isInstanceOfSatisfying(SchemaNotFoundException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaNotFoundException.SCHEMA_NOT_FOUND));
    }

    @Test
    void shouldReportUnknownSubjectOnLookup() {
        assertThatThrownBy(() -> registry.lookup("nobody-value", EmbeddingEvent.getClassSchema()))
                .isInstanceOfSatisfying(SchemaNotFoundException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(SchemaNotFoundException.SUBJECT_NOT_FOUND);
                    assertThat(e.httpStatus()).isEqualTo(404);
                });
    }

    @Test
    void shouldReportUnknownId() {
        registry.register("embeddings-value", EmbeddingEvent.getClassSchema());

        assertThatThrownBy(() -> registry.getById(2)).isInstanceOf(SchemaNotFoundException.class)
                .hasMessageContaining("schema id 2 not found");
        assertThatThrownBy(() -> registry.getById(0)).isInstanceOf(SchemaNotFoundException.class);
    }
}
