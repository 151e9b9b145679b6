package io.featuremon.serdes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.featuremon.avro.EmbeddingEvent;
import io.featuremon.avro.FeatureEvent;
import io.featuremon.avro.WindowStats;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class AvroJsonTest {

    @Test
    void shouldUnwrapUnionsAndSortMapKeys() {
        Map<String, Object> features = new LinkedHashMap<>();
        features.put("income", null);
        features.put("country", "FR");
        features.put("age", 42.5);

        assertThat(AvroJson.toJsonLine(TestRecords.featureEvent(features))).isEqualTo(
                "{\"model\":\"churn\",\"segment\":null,\"timestamp\":1700000000123,\"requestId\":\"req-2\","
                        + "\"features\":{\"age\":42.5,\"country\":\"FR\",\"income\":null}}");
    }

    /**
     * The shortest decimal, as Java 19 and later write it, on every JDK: Java 17's Double.toString
     * writes these two as 9.999999999999999E22 and 2.82879384806159008E17, so a replay on Java 17
     * and one on Java 25 wrote different bytes.
     */
    @Test
    void shouldWriteTheShortestDecimalOnEveryJdk() {
        Map<String, Object> features = new LinkedHashMap<>();
        features.put("a", 1.0E23);
        features.put("b", 2.82879384806159E17);
        features.put("c", 0.1 + 0.2);

        assertThat(AvroJson.toJsonLine(TestRecords.featureEvent(features))).contains(
                "\"features\":{\"a\":1.0E23,\"b\":2.82879384806159E17,\"c\":0.30000000000000004}");
        ObjectNode tree = AvroJson.toJson(TestRecords.featureEvent(features));
        tree.put("extra", 1.9400994884341945E25);
        assertThat(AvroJson.toJsonLine(tree)).endsWith("\"extra\":1.9400994884341945E25}");
        assertThat(AvroJson.decimal(1.0E23)).isEqualTo("1.0E23");
        assertThat(AvroJson.decimal(-0.0)).isEqualTo("-0.0");
        assertThat(AvroJson.decimal(1234567.0)).isEqualTo("1234567.0");
    }

    @Test
    void shouldWriteEqualRecordsAsIdenticalLinesWhateverTheMapOrder() {
        Map<String, Object> forward = new LinkedHashMap<>();
        Map<String, Object> backward = new LinkedHashMap<>();
        for (int i = 0; i < 50; i++) {
            forward.put("f" + i, (double) i);
            backward.put("f" + (49 - i), (double) (49 - i));
        }
        FeatureEvent a = TestRecords.featureEvent(forward);
        FeatureEvent b = TestRecords.featureEvent(backward);

        assertThat(a).isEqualTo(b);
        assertThat(AvroJson.toJsonLine(a)).isEqualTo(AvroJson.toJsonLine(b));
    }

    @Test
    void shouldWriteFieldsInSchemaOrder() {
        for (SpecificRecord record : TestRecords.oneOfEachSchema()) {
            List<String> schemaOrder = record.getSchema().getFields().stream().map(Schema.Field::name).toList();

            assertThat(AvroJson.toJson(record).fieldNames()).toIterable().containsExactlyElementsOf(schemaOrder);
        }
    }

    @Test
    void shouldWriteFloatsAsNumbersAndNonFiniteFloatsAsStrings() {
        EmbeddingEvent event = TestRecords.embedding(0.1f, -0.0f, Float.NaN, Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY, Float.MIN_VALUE);

        assertThat(AvroJson.toJsonLine(event)).endsWith(
                "\"vector\":[0.1,-0.0,\"NaN\",\"Infinity\",\"-Infinity\",1.4E-45]}");
    }

    @Test
    void shouldWriteNonFiniteDoublesAsStrings() {
        Map<String, Object> features = new LinkedHashMap<>();
        features.put("a", Double.NaN);
        features.put("b", Double.NEGATIVE_INFINITY);

        assertThat(AvroJson.toJsonLine(TestRecords.featureEvent(features)))
                .contains("\"features\":{\"a\":\"NaN\",\"b\":\"-Infinity\"}");
    }

    @Test
    void shouldWriteBytesAsBase64WithoutMovingTheBuffer() {
        var deadLetter = TestRecords.deadLetter();

        ObjectNode json = AvroJson.toJson(deadLetter);

        assertThat(json.get("key").asText()).isEqualTo("cmFua2Vy");
        assertThat(json.get("value").asText()).isEqualTo("e33/");
        assertThat(deadLetter.getValue().remaining()).isEqualTo(3);
        assertThat(json.get("model").isNull()).isTrue();
    }

    @Test
    void shouldNestRecordsAndArrays() {
        WindowStats stats = TestRecords.windowStats();

        ObjectNode json = AvroJson.toJson(stats);

        assertThat(json.at("/redundancy/pairs/0").toString()).isEqualTo("{\"a\":\"0\",\"b\":\"1\",\"corr\":0.8}");
        assertThat(json.get("constant").toString()).isEqualTo("[\"2\"]");
        assertThat(json.get("count").isIntegralNumber()).isTrue();
    }

    @Test
    void shouldConvertGenericRecordsLikeGeneratedOnes() {
        EmbeddingEvent event = TestRecords.embedding(1f, 2f);
        GenericData.Record generic = new GenericData.Record(EmbeddingEvent.getClassSchema());
        for (Schema.Field field : EmbeddingEvent.getClassSchema().getFields()) {
            generic.put(field.pos(), event.get(field.pos()));
        }

        assertThat(AvroJson.toJsonLine(generic)).isEqualTo(AvroJson.toJsonLine(event));
    }
}
