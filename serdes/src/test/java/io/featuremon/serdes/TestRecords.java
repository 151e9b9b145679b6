package io.featuremon.serdes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.featuremon.avro.Alert;
import io.featuremon.avro.CorrelationPair;
import io.featuremon.avro.DeadLetter;
import io.featuremon.avro.DroppedFeature;
import io.featuremon.avro.EmbeddingEvent;
import io.featuremon.avro.FeatureEvent;
import io.featuremon.avro.FeatureMask;
import io.featuremon.avro.Redundancy;
import io.featuremon.avro.WindowStats;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;

/** Builders of test events and of framed values written with other schemas. */
final class TestRecords {

    /** EmbeddingEvent as it was before requestId existed. */
    static final Schema EMBEDDING_WITHOUT_REQUEST_ID = new Schema.Parser().parse("""
            {"type": "record", "name": "EmbeddingEvent", "namespace": "io.featuremon.avro", "fields": [
              {"name": "model", "type": "string"},
              {"name": "segment", "type": ["null", "string"], "default": null},
              {"name": "timestamp", "type": "long"},
              {"name": "vector", "type": {"type": "array", "items": "float"}}
            ]}""");

    /** A later EmbeddingEvent: an extra field between existing ones, and fields in another order. */
    static final Schema EMBEDDING_WITH_EXTRA_FIELD = new Schema.Parser().parse("""
            {"type": "record", "name": "EmbeddingEvent", "namespace": "io.featuremon.avro", "fields": [
              {"name": "model", "type": "string"},
              {"name": "modelVersion", "type": "string", "default": "v1"},
              {"name": "timestamp", "type": "long"},
              {"name": "vector", "type": {"type": "array", "items": "float"}},
              {"name": "segment", "type": ["null", "string"], "default": null},
              {"name": "requestId", "type": ["null", "string"], "default": null},
              {"name": "scores", "type": {"type": "map", "values": "double"}, "default": {}}
            ]}""");

    private TestRecords() {
    }

    static EmbeddingEvent embedding(float... vector) {
        List<Float> boxed = new ArrayList<>(vector.length);
        for (float v : vector) {
            boxed.add(v);
        }
        return EmbeddingEvent.newBuilder().setModel("ranker").setSegment("eu").setTimestamp(1_700_000_000_000L)
                .setRequestId("req-1").setVector(boxed).build();
    }

    static FeatureEvent featureEvent(Map<String, Object> features) {
        return FeatureEvent.newBuilder().setModel("churn").setSegment(null).setTimestamp(1_700_000_000_123L)
                .setRequestId("req-2").setFeatures(features).build();
    }

    static Alert alert() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("model", "ranker");
        labels.put("alertname", "EmbeddingRedundancy");
        return Alert.newBuilder().setFingerprint("a1b2").setStatus("firing").setRule("redundancy").setModel("ranker")
                .setSegment("eu").setType("embedding").setSeverity("warning").setMetric("meanAbsCorr").setValue(0.83)
                .setThreshold(0.8).setWindowStart(0).setWindowEnd(60_000).setStartsAt(60_000).setEndsAt(null)
                .setLabels(labels).setAnnotations(Map.of("summary", "dimensions are redundant")).build();
    }

    static DeadLetter deadLetter() {
        return DeadLetter.newBuilder().setSourceTopic("embeddings").setSourcePartition(3).setSourceOffset(42)
                .setRecordTimestamp(1_700_000_000_000L).setStage("decode").setReason("unknown magic byte 0x7b")
                .setModel(null).setRequestId(null).setKey(ByteBuffer.wrap("ranker".getBytes(StandardCharsets.UTF_8)))
                .setValue(ByteBuffer.wrap(new byte[] {0x7b, 0x7d, (byte) 0xff})).build();
    }

    static FeatureMask featureMask() {
        return FeatureMask.newBuilder().setModel("churn").setSegment(null).setType("features").setWindowStart(0)
                .setWindowEnd(60_000).setVersion(2).setThreshold(0.95).setKept(List.of("age", "income"))
                .setDropped(List.of(
                        DroppedFeature.newBuilder().setFeature("const").setReason("constant").build(),
                        DroppedFeature.newBuilder().setFeature("income2").setReason("redundant")
                                .setRedundantWith("income").setCorr(-0.99).build()))
                .build();
    }

    static WindowStats windowStats() {
        Redundancy redundancy = Redundancy.newBuilder().setNonConstant(2).setFretL1(1.6).setMeanAbsCorr(0.8)
                .setMeanSqCorr(0.64).setEffectiveRank(1.2)
                .setPairs(List.of(CorrelationPair.newBuilder().setA("0").setB("1").setCorr(0.8).build())).build();
        return WindowStats.newBuilder().setModel("ranker").setSegment("eu").setType("embedding").setWindowStart(0)
                .setWindowEnd(60_000).setCount(1000).setIncomplete(0).setDimensions(3).setConstant(List.of("2"))
                .setRedundancy(redundancy).build();
    }

    /** One sample of every schema, for round trips. */
    static List<SpecificRecord> oneOfEachSchema() {
        Map<String, Object> features = new LinkedHashMap<>();
        features.put("age", 42.0);
        features.put("country", "FR");
        features.put("income", null);
        return List.of(embedding(0.5f, -1.25f, 3e-3f), featureEvent(features), alert(), deadLetter(), featureMask(),
                windowStats());
    }

    /**
     * Floats that stress bit-exactness: both zeros, NaNs with payloads, infinities, subnormals, extremes,
     * and otherwise random bit patterns.
     */
    static float[] awkwardFloats(int dimension, long seed) {
        float[] special = {-0.0f, 0.0f, Float.NaN, Float.intBitsToFloat(0x7fc0_0001), Float.intBitsToFloat(0xffc1_2345),
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MIN_VALUE,
                Float.MIN_NORMAL / 3, Float.MAX_VALUE, -Float.MAX_VALUE, 1.0f};
        Random random = new Random(seed);
        float[] vector = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            vector[i] = random.nextInt(4) == 0 ? special[random.nextInt(special.length)]
                    : Float.intBitsToFloat(random.nextInt());
        }
        return vector;
    }

    /** A Confluent-framed value of {@code record} written with its own (generic) schema under {@code id}. */
    static byte[] framed(int id, GenericRecord record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WireFormat.writeHeader(out, id);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static List<Float> boxed(float[] vector) {
        List<Float> list = new ArrayList<>(vector.length);
        for (float v : vector) {
            list.add(v);
        }
        return list;
    }
}
